//! From image bytes to the model's input tensor, as the profile says:
//! decode (PNG or JPEG, within limits), convert the channels, resize,
//! scale, normalise, lay out.

use image::imageops::FilterType;
use image::{DynamicImage, ImageReader};

use crate::profile::{Channels, Layout, Profile, Resize};

/// Largest image accepted, per side, in pixels.
pub const MAX_SIDE: u32 = 16_384;
/// Largest decoded image accepted, in bytes.
pub const MAX_DECODED_BYTES: u64 = 512 << 20;

/// Why an image cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ImageError(pub String);

/// Decodes a PNG or JPEG, refusing images over [`MAX_SIDE`] per side or
/// [`MAX_DECODED_BYTES`] decoded, before allocating them.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, ImageError> {
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ImageError(format!("cannot read the image: {e}")))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    match reader.format() {
        Some(image::ImageFormat::Png | image::ImageFormat::Jpeg) => {}
        Some(f) => return Err(ImageError(format!("{f:?} images are not supported; PNG or JPEG"))),
        None => return Err(ImageError("not a PNG or JPEG image".into())),
    }
    reader.decode().map_err(|e| ImageError(format!("cannot decode the image: {e}")))
}

/// The input tensor (shape [`Profile::input_shape`]) for an image.
pub fn tensor(image: &DynamicImage, profile: &Profile) -> Vec<f32> {
    let i = &profile.input;
    let (w, h) = (i.width, i.height);
    let resized = if image.width() == w && image.height() == h {
        image.clone()
    } else {
        match i.resize {
            Resize::Stretch => image.resize_exact(w, h, FilterType::Triangle),
            Resize::CenterCrop => image.resize_to_fill(w, h, FilterType::Triangle),
        }
    };
    let channels: Vec<Vec<f32>> = match i.channels {
        Channels::Gray => vec![resized.to_luma8().pixels().map(|p| f32::from(p.0[0])).collect()],
        Channels::Rgb | Channels::Bgr => {
            let rgb = resized.to_rgb8();
            let mut planes: Vec<Vec<f32>> = (0..3).map(|c| rgb.pixels().map(|p| f32::from(p.0[c])).collect()).collect();
            if i.channels == Channels::Bgr {
                planes.swap(0, 2);
            }
            planes
        }
    };
    let per = |v: &[f32], c: usize| if v.len() == 1 { v[0] } else { v[c] };
    let normalised: Vec<Vec<f32>> = channels
        .into_iter()
        .enumerate()
        .map(|(c, plane)| plane.into_iter().map(|x| (x * i.scale - per(&i.mean, c)) / per(&i.std, c)).collect())
        .collect();
    match i.layout {
        Layout::Nchw => normalised.concat(),
        Layout::Nhwc => {
            let pixels = (w * h) as usize;
            let mut out = Vec::with_capacity(pixels * normalised.len());
            for p in 0..pixels {
                for plane in &normalised {
                    out.push(plane[p]);
                }
            }
            out
        }
    }
}
