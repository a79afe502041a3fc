//! The pages outside the journey's steps: the welcome page and the 404.

pub mod not_found;
pub mod welcome;
