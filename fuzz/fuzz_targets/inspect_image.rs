//! Images fed to inference: decoding within the limits (PNG or JPEG only)
//! and preprocessing into tensors of two shapes never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fn profile(text: &str) -> lading_inspect::Profile {
    lading_inspect::Profile::parse(text).expect("fixed profile")
}

fuzz_target!(|data: &[u8]| {
    let Ok(image) = lading_inspect::preprocess::decode(data) else { return };
    let gray = profile(
        "[input]\nwidth = 4\nheight = 4\nchannels = \"gray\"\nlayout = \"nchw\"\nresize = \"stretch\"\nscale = 1.0\nmean = [0.0]\nstd = [1.0]\n\
         [head]\nkind = \"anomaly\"\nthreshold = 0.5\n[defects]\nanomaly = \"major\"\n",
    );
    let rgb = profile(
        "[input]\nwidth = 8\nheight = 6\nchannels = \"bgr\"\nlayout = \"nhwc\"\nresize = \"center-crop\"\nscale = 0.5\nmean = [0.1, 0.2, 0.3]\nstd = [1.0, 2.0, 3.0]\n\
         [head]\nkind = \"anomaly\"\nthreshold = 0.5\n[defects]\nanomaly = \"major\"\n",
    );
    assert_eq!(lading_inspect::preprocess::tensor(&image, &gray).len(), 16);
    assert_eq!(lading_inspect::preprocess::tensor(&image, &rgb).len(), 8 * 6 * 3);
});
