//! Compiles `style/main.scss` to CSS at build time with grass (pure Rust, no external tools).

fn main() {
    println!("cargo:rerun-if-changed=style");
    let options = grass::Options::default().style(grass::OutputStyle::Compressed);
    let css = grass::from_path("style/main.scss", &options)
        .unwrap_or_else(|e| panic!("style/main.scss does not compile: {e}"));
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(std::path::Path::new(&out).join("main.css"), css).expect("OUT_DIR is writable");
}
