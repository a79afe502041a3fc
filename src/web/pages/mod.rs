//! One module per page of the journey.

pub mod welcome;
