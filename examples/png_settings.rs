//! How long each PNG filter and deflate setting takes, and how many bytes it makes, on images a
//! build wrote: `cargo run --release --example png_settings -- FILE.png [FILE.png ...]`.
//!
//! Each file is decoded once (it must be 8-bit RGB, as lmcpress writes opaque pages); then all
//! of them are encoded with each setting 7 times, and the fastest pass and the total size are
//! printed. `src/typeset/png.rs` says which setting it uses and why.

use std::time::Instant;

use png::{DeflateCompression, Filter};

const RUNS: usize = 7;

const SETTINGS: [(&str, DeflateCompression, Filter); 8] = [
    ("fdeflate fastest, Paeth", DeflateCompression::FdeflateUltraFast, Filter::Paeth),
    ("fdeflate fastest, adaptive", DeflateCompression::FdeflateUltraFast, Filter::Adaptive),
    ("level 1, Paeth", DeflateCompression::Level(1), Filter::Paeth),
    ("level 1, Up", DeflateCompression::Level(1), Filter::Up),
    ("level 1, unfiltered", DeflateCompression::Level(1), Filter::NoFilter),
    ("level 2, unfiltered", DeflateCompression::Level(2), Filter::NoFilter),
    ("level 3, unfiltered", DeflateCompression::Level(3), Filter::NoFilter),
    ("level 6, unfiltered", DeflateCompression::Level(6), Filter::NoFilter),
];

struct Image {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

fn decode(path: &str) -> Result<Image, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut reader =
        png::Decoder::new(std::io::BufReader::new(file)).read_info().map_err(|e| format!("{path}: {e}"))?;
    let mut rgb = vec![0; reader.output_buffer_size().ok_or(format!("{path}: too large"))?];
    let info = reader.next_frame(&mut rgb).map_err(|e| format!("{path}: {e}"))?;
    if info.color_type != png::ColorType::Rgb || info.bit_depth != png::BitDepth::Eight {
        return Err(format!("{path}: not 8-bit RGB"));
    }
    rgb.truncate(info.buffer_size());
    Ok(Image { width: info.width, height: info.height, rgb })
}

fn encode(image: &Image, deflate: DeflateCompression, filter: Filter) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, image.width, image.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_deflate_compression(deflate);
    encoder.set_filter(filter);
    let mut writer = encoder.write_header().expect("an in-memory PNG header");
    writer.write_image_data(&image.rgb).expect("an in-memory PNG");
    writer.finish().expect("an in-memory PNG");
    out
}

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: png_settings FILE.png [FILE.png ...]");
        std::process::exit(2);
    }
    let images: Vec<Image> = match paths.iter().map(|p| decode(p)).collect() {
        Ok(images) => images,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    println!("{} images", images.len());
    for (name, deflate, filter) in SETTINGS {
        let mut fastest = f64::MAX;
        let mut bytes = 0;
        for _ in 0..RUNS {
            let start = Instant::now();
            bytes = images.iter().map(|image| encode(image, deflate, filter).len()).sum();
            fastest = fastest.min(start.elapsed().as_secs_f64());
        }
        println!("{name:28} {:7.1} ms {:8.2} MB", fastest * 1e3, bytes as f64 / 1e6);
    }
}
