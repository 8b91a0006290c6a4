//! Draws an answer into a 130×53 PNG like Tencent's image captcha: jittered, sheared
//! characters over noise and crossing lines.

use crate::font::{self, GLYPH_HEIGHT, GLYPH_WIDTH};
use crate::random;

/// Image width in pixels (docs/protocol.md, "CaptchaGetUrl").
pub(crate) const WIDTH: usize = 130;
/// Image height in pixels.
pub(crate) const HEIGHT: usize = 53;
/// Font pixels are drawn as SCALE×SCALE squares.
const SCALE: usize = 4;

/// A supply of random bytes for the drawing (positions, colours, noise).
struct Dice {
    bytes: [u8; 1024],
    next: usize,
}

impl Dice {
    fn new() -> Self {
        let mut bytes = [0u8; 1024];
        random::fill(&mut bytes);
        Self { bytes, next: 0 }
    }

    /// A number in `0..n` (n ≤ 256).
    fn below(&mut self, n: usize) -> usize {
        let value = self.bytes[self.next % self.bytes.len()];
        self.next += 1;
        usize::from(value) % n.max(1)
    }
}

struct Canvas {
    rgb: Vec<u8>,
}

impl Canvas {
    fn set(&mut self, x: isize, y: isize, color: [u8; 3]) {
        if let (Ok(x), Ok(y)) = (usize::try_from(x), usize::try_from(y))
            && x < WIDTH
            && y < HEIGHT
        {
            let at = (y * WIDTH + x) * 3;
            self.rgb[at..at + 3].copy_from_slice(&color);
        }
    }

    fn line(&mut self, from: (isize, isize), to: (isize, isize), color: [u8; 3]) {
        let steps = (to.0 - from.0).abs().max((to.1 - from.1).abs()).max(1);
        for i in 0..=steps {
            let x = from.0 + (to.0 - from.0) * i / steps;
            let y = from.1 + (to.1 - from.1) * i / steps;
            self.set(x, y, color);
            self.set(x, y + 1, color);
        }
    }
}

/// The PNG bytes of an image showing `answer`.
pub(crate) fn render_png(answer: &str) -> Vec<u8> {
    let mut dice = Dice::new();
    let mut canvas = Canvas {
        rgb: vec![0; WIDTH * HEIGHT * 3],
    };
    // A pale background with speckles.
    let base = [
        225 + dice.below(30) as u8,
        225 + dice.below(30) as u8,
        225 + dice.below(30) as u8,
    ];
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let shade = (x / 13 + y / 9) as u8 % 8;
            canvas.set(
                x as isize,
                y as isize,
                base.map(|c| c.saturating_sub(shade)),
            );
        }
    }
    for _ in 0..160 {
        let (x, y) = (dice.below(WIDTH), dice.below(HEIGHT));
        let grey = 120 + dice.below(100) as u8;
        canvas.set(x as isize, y as isize, [grey, grey, grey]);
    }
    let pitch = (WIDTH - 18) / answer.chars().count().max(1);
    for (i, c) in answer.chars().enumerate() {
        let glyph = font::glyph(c);
        let color = [
            dice.below(110) as u8,
            dice.below(110) as u8,
            dice.below(110) as u8,
        ];
        let left = (9 + i * pitch + dice.below(5)) as isize;
        let top = (7 + dice.below(11)) as isize;
        let shear = dice.below(3) as isize - 1;
        for gy in 0..GLYPH_HEIGHT {
            let slant = shear * (3 - gy as isize);
            for gx in 0..GLYPH_WIDTH {
                if !font::is_ink(&glyph, gx, gy) {
                    continue;
                }
                for dy in 0..SCALE {
                    for dx in 0..SCALE {
                        let x = left + slant + (gx * SCALE + dx) as isize;
                        let y = top + (gy * SCALE + dy) as isize;
                        canvas.set(x, y, color);
                    }
                }
            }
        }
    }
    for _ in 0..3 {
        let from = (dice.below(20) as isize, dice.below(HEIGHT) as isize);
        let to = (
            (WIDTH - dice.below(20)) as isize,
            dice.below(HEIGHT) as isize,
        );
        let color = [
            60 + dice.below(120) as u8,
            60 + dice.below(120) as u8,
            60 + dice.below(120) as u8,
        ];
        canvas.line(from, to, color);
    }
    encode(&canvas.rgb)
}

fn encode(rgb: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 * 1024);
    let mut encoder = png::Encoder::new(&mut out, WIDTH as u32, HEIGHT as u32);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Writing a correctly sized frame into a Vec cannot fail.
    let mut writer = encoder.write_header().expect("PNG header into a Vec");
    writer
        .write_image_data(rgb)
        .expect("PNG data of the declared size");
    writer.finish().expect("PNG end into a Vec");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_130_by_53_png() {
        let png = render_png("AB23");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!((info.width, info.height), (130, 53));
    }
}
