//! PNG encoding for rendered pages, as opaque RGB when the page is opaque (pages have a solid
//! background, so the alpha channel carries nothing) instead of tiny-skia's RGBA encoder.
//!
//! Pages are flat colour and type, so the same runs of pixels recur along a row and from one
//! row to the next: plain LZ77 matching on the unfiltered pixels (zlib-rs at level 1, through
//! flate2) finds them, and beats any PNG row filter feeding a run-length-only deflate. On two
//! like-sample practices' 54 images (`examples/png_settings.rs`, fastest of 7): Paeth with
//! fdeflate's fastest mode 104 ms and 14.4 MB; unfiltered at level 1 150 ms and 11.8 MB (a
//! fifth smaller); level 2 213 ms and 10.1 MB; level 6 510 ms and 9.0 MB.
//! Level 1 is the one that brings a practice's output under 5 MB for the least time.

use std::io::Write;

use anyhow::Context;
use flate2::Compression;
use flate2::write::ZlibEncoder;
use tiny_skia::Pixmap;

/// zlib's level: see the module's note.
const LEVEL: u32 = 1;

/// `opaque` says the page's background is known to be opaque, which saves a pass over the
/// pixels to find out.
pub fn encode(pixmap: &Pixmap, opaque: bool) -> anyhow::Result<Vec<u8>> {
    let rgba = pixmap.data();
    let width = pixmap.width() as usize;
    let opaque = opaque || is_opaque(rgba);
    // The image data is every row led by its filter type (0: none) in one zlib stream. It is
    // deflated here rather than through the `png` crate's row writer, which copies each row
    // twice more (into its own row buffer, then into the "filtered" one) and hands the filter
    // byte to zlib as a call of its own.
    let row_len = width * if opaque { 3 } else { 4 };
    // Compressed pages are about a fifteenth of their RGB size; the stream grows as needed.
    let mut zlib = ZlibEncoder::new(Vec::with_capacity(rgba.len() / 16), Compression::new(LEVEL));
    // Rows are converted one at a time into a small buffer: a whole converted copy of a page
    // (6 MB for an A4 poster) cost more in fresh memory than in the conversion itself. The
    // buffer holds the filter byte, the row, and one spare byte for `rgb_row`'s last store.
    let mut row = vec![0; 1 + row_len + 1];
    for pixels in rgba.chunks_exact(width * 4) {
        if opaque {
            rgb_row(pixels, &mut row[1..]);
        } else {
            for (to, p) in row[1..].chunks_exact_mut(4).zip(pixmap_row(pixels)) {
                to.copy_from_slice(&p);
            }
        }
        zlib.write_all(&row[..1 + row_len]).context("failed to compress PNG rows")?;
    }
    let data = zlib.finish().context("failed to finish PNG data")?;
    let mut out = Vec::with_capacity(data.len() + 64);
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_color(if opaque { png::ColorType::Rgb } else { png::ColorType::Rgba });
    let mut writer = encoder.write_header().context("failed to write PNG header")?;
    writer.write_chunk(png::chunk::IDAT, &data).context("failed to write PNG data")?;
    writer.finish().context("failed to finish PNG")?;
    Ok(out)
}

/// Whether every pixel is fully opaque. A fold over all pixels (no early exit) lets the
/// compiler use vector instructions; pages nearly always have a solid background.
fn is_opaque(rgba: &[u8]) -> bool {
    rgba.chunks_exact(4).fold(0xFF, |all, p| all & p[3]) == 0xFF
}

/// Drops the alpha byte of each pixel. Each pixel is stored as four bytes at a stride of
/// three, the next pixel overwriting the spare byte, so each is one unaligned store; `row`
/// has one byte more than the RGB row for the last pixel's spare byte.
fn rgb_row(pixels: &[u8], row: &mut [u8]) {
    for (i, p) in pixels.chunks_exact(4).enumerate() {
        let word = u32::from_le_bytes([p[0], p[1], p[2], p[3]]);
        row[i * 3..i * 3 + 4].copy_from_slice(&word.to_le_bytes());
    }
}

/// Un-premultiplied RGBA of a row of tiny-skia's premultiplied pixels.
fn pixmap_row(pixels: &[u8]) -> impl Iterator<Item = [u8; 4]> + '_ {
    pixels.chunks_exact(4).map(|p| {
        let c = tiny_skia::PremultipliedColorU8::from_rgba(p[0], p[1], p[2], p[3])
            .map(|c| c.demultiply())
            .unwrap_or(tiny_skia::ColorU8::from_rgba(0, 0, 0, 0));
        [c.red(), c.green(), c.blue(), c.alpha()]
    })
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
        let bytes = encode(&pixmap, false).unwrap();
        assert_eq!(dimensions(&bytes), Some((3, 2)));
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(&buf[..3], &[0, 94, 184]);
    }

    fn decode(bytes: &[u8]) -> (png::ColorType, Vec<u8>) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        (info.color_type, buf)
    }

    /// A pixmap whose every pixel differs from its neighbours, so a row or byte out of place
    /// shows.
    fn gradient(width: u32, height: u32, alpha: impl Fn(u32, u32) -> u8) -> Pixmap {
        let mut pixmap = Pixmap::new(width, height).unwrap();
        for (i, px) in pixmap.pixels_mut().iter_mut().enumerate() {
            let (x, y) = (i as u32 % width, i as u32 / width);
            let a = alpha(x, y);
            let c = tiny_skia::ColorU8::from_rgba((x * 7) as u8, (y * 13) as u8, (x + y) as u8, a);
            *px = c.premultiply();
        }
        pixmap
    }

    #[test]
    fn opaque_pixels_come_back_exactly() {
        let pixmap = gradient(37, 11, |_, _| 255);
        let (color, buf) = decode(&encode(&pixmap, false).unwrap());
        assert_eq!(color, png::ColorType::Rgb);
        let expected: Vec<u8> = pixmap.data().chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
        assert_eq!(buf, expected);
    }

    #[test]
    fn one_translucent_pixel_keeps_the_alpha_channel() {
        let pixmap = gradient(5, 4, |x, y| if (x, y) == (4, 3) { 128 } else { 255 });
        let (color, buf) = decode(&encode(&pixmap, false).unwrap());
        assert_eq!(color, png::ColorType::Rgba);
        let expected: Vec<u8> = pixmap
            .pixels()
            .iter()
            .flat_map(|p| {
                let c = p.demultiply();
                [c.red(), c.green(), c.blue(), c.alpha()]
            })
            .collect();
        assert_eq!(buf, expected);
        assert_eq!(buf[buf.len() - 1], 128);
    }
}
