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

/// The decoders this build uses, by crate and version (kept equal to
/// Cargo.lock by a test), recorded in every report.
pub const IMAGE_CRATE: &str = "image 0.25.10";
/// The JPEG decoder behind [`IMAGE_CRATE`].
pub const JPEG_CRATE: &str = "zune-jpeg 0.5.15";
/// The PNG decoder behind [`IMAGE_CRATE`].
pub const PNG_CRATE: &str = "png 0.18.1";

/// This build's decoders, as a report records them.
pub fn decoder() -> lading_model::inspection::ImageDecoder {
    lading_model::inspection::ImageDecoder {
        library: IMAGE_CRATE.to_owned(),
        jpeg: JPEG_CRATE.to_owned(),
        png: PNG_CRATE.to_owned(),
    }
}

/// The `image` crate's filter for a recorded one.
fn filter_type(f: lading_model::inspection::ResizeFilter) -> FilterType {
    use lading_model::inspection::ResizeFilter as R;
    match f {
        R::Nearest => FilterType::Nearest,
        R::Triangle => FilterType::Triangle,
        R::CatmullRom => FilterType::CatmullRom,
        R::Gaussian => FilterType::Gaussian,
        R::Lanczos3 => FilterType::Lanczos3,
    }
}

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
        let filter = filter_type(i.filter);
        match i.resize {
            Resize::Stretch => image.resize_exact(w, h, filter),
            Resize::CenterCrop => image.resize_to_fill(w, h, filter),
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

#[cfg(test)]
mod decoder_tests {
    /// The recorded versions are the ones Cargo.lock builds with.
    #[test]
    fn recorded_decoder_versions_are_cargo_locks() {
        let lock =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock")).expect("Cargo.lock");
        for recorded in [super::IMAGE_CRATE, super::JPEG_CRATE, super::PNG_CRATE] {
            let (name, version) = recorded.split_once(' ').expect("name version");
            let entry = format!("name = \"{name}\"\nversion = \"{version}\"\n");
            assert!(lock.contains(&entry), "Cargo.lock has no {recorded}: update lading_inspect::preprocess");
        }
    }
}
