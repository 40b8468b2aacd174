//! PNG encoding for rendered pages. The encoder is the slowest step for posters, so this uses
//! the `png` crate's fast preset on opaque RGB (pages have a solid background, so the alpha
//! channel carries nothing) instead of tiny-skia's default RGBA encoder.

use anyhow::Context;
use tiny_skia::Pixmap;

pub fn encode(pixmap: &Pixmap) -> anyhow::Result<Vec<u8>> {
    let opaque = pixmap.data().chunks_exact(4).all(|p| p[3] == 255);
    let mut out = Vec::with_capacity(pixmap.data().len() / 8);
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_compression(png::Compression::Fast);
    let data: Vec<u8> = if opaque {
        encoder.set_color(png::ColorType::Rgb);
        // A plain loop into a sized buffer: collecting a `flat_map` grew the vector in steps
        // and was a tenth of a watch rebuild's time.
        let rgba = pixmap.data();
        let mut rgb = vec![0; rgba.len() / 4 * 3];
        for (to, from) in rgb.chunks_exact_mut(3).zip(rgba.chunks_exact(4)) {
            to.copy_from_slice(&from[..3]);
        }
        rgb
    } else {
        encoder.set_color(png::ColorType::Rgba);
        pixmap
            .pixels()
            .iter()
            .flat_map(|p| {
                let c = p.demultiply();
                [c.red(), c.green(), c.blue(), c.alpha()]
            })
            .collect()
    };
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().context("failed to write PNG header")?;
    writer.write_image_data(&data).context("failed to encode PNG")?;
    writer.finish().context("failed to finish PNG")?;
    Ok(out)
}

/// Width and height from a PNG's header.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" {
        return None;
    }
    let w = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
    Some((w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_an_opaque_image_as_rgb() {
        let mut pixmap = Pixmap::new(3, 2).unwrap();
        pixmap.fill(tiny_skia::Color::from_rgba8(0, 94, 184, 255));
        let bytes = encode(&pixmap).unwrap();
        assert_eq!(dimensions(&bytes), Some((3, 2)));
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(&buf[..3], &[0, 94, 184]);
    }
}
