//! From a model's raw output to findings: an image classifier (softmax over
//! classes), an anomaly score against a threshold, and a YOLOv8-style
//! detector (`[1, 4 + classes, anchors]`: box centre, width and height in
//! input pixels, then one score per class) with a confidence threshold and
//! class-wise non-maximum suppression.

/// One detected object.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// Class index.
    pub class: usize,
    /// Its score.
    pub score: f32,
    /// Box `[x0, y0, x1, y1]` in input pixels.
    pub bbox: [f32; 4],
}

/// The top class of a probability (or logit) vector: index and value.
pub fn top_class(output: &[f32]) -> Option<(usize, f32)> {
    output.iter().copied().enumerate().filter(|(_, v)| v.is_finite()).max_by(|a, b| a.1.total_cmp(&b.1))
}

/// Intersection over union of two boxes.
pub fn iou(a: &[f32; 4], b: &[f32; 4]) -> f32 {
    let w = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let h = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let inter = w * h;
    let area = |r: &[f32; 4]| (r[2] - r[0]).max(0.0) * (r[3] - r[1]).max(0.0);
    let union = area(a) + area(b) - inter;
    if union > 0.0 { inter / union } else { 0.0 }
}

/// Why a detector output cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the detector output has shape {shape:?}; a YOLOv8-style head gives [1, 4 + {classes}, anchors]")]
pub struct ShapeError {
    /// What the model gave.
    pub shape: Vec<usize>,
    /// Classes the profile names.
    pub classes: usize,
}

/// Decodes a YOLOv8-style output: every anchor's best class at or above
/// `confidence`, then per class greedy non-maximum suppression at `iou_limit`.
/// Detections come sorted by score, highest first (ties by class, then box).
pub fn detect(
    shape: &[usize],
    output: &[f32],
    classes: usize,
    confidence: f32,
    iou_limit: f32,
) -> Result<Vec<Detection>, ShapeError> {
    let bad = || ShapeError { shape: shape.to_vec(), classes };
    let [1, rows, anchors] = shape else { return Err(bad()) };
    if *rows != 4 + classes || output.len() != rows * anchors {
        return Err(bad());
    }
    let at = |r: usize, a: usize| output[r * anchors + a];
    let mut candidates: Vec<Detection> = (0..*anchors)
        .filter_map(|a| {
            let (class, score) = (0..classes).map(|c| (c, at(4 + c, a))).max_by(|x, y| x.1.total_cmp(&y.1))?;
            // A NaN score is not kept either.
            if score.partial_cmp(&confidence).is_none_or(std::cmp::Ordering::is_lt) {
                return None;
            }
            let (cx, cy, w, h) = (at(0, a), at(1, a), at(2, a), at(3, a));
            if ![cx, cy, w, h].iter().all(|v| v.is_finite()) {
                return None;
            }
            Some(Detection { class, score, bbox: [cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0] })
        })
        .collect();
    candidates.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.class.cmp(&b.class))
            .then(a.bbox[0].total_cmp(&b.bbox[0]))
            .then(a.bbox[1].total_cmp(&b.bbox[1]))
    });
    let mut kept: Vec<Detection> = Vec::new();
    for d in candidates {
        if kept.iter().all(|k| k.class != d.class || iou(&k.bbox, &d.bbox) <= iou_limit) {
            kept.push(d);
        }
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `[1, 4 + 2, n]` output from (cx, cy, w, h, score0, score1) anchors.
    fn output(anchors: &[[f32; 6]]) -> (Vec<usize>, Vec<f32>) {
        let n = anchors.len();
        let mut out = vec![0.0; 6 * n];
        for (a, v) in anchors.iter().enumerate() {
            for r in 0..6 {
                out[r * n + a] = v[r];
            }
        }
        (vec![1, 6, n], out)
    }

    #[test]
    fn overlapping_boxes_of_one_class_are_suppressed_others_kept() {
        let (shape, out) = output(&[
            [20.0, 20.0, 10.0, 10.0, 0.9, 0.1],  // class 0, kept
            [21.0, 20.0, 10.0, 10.0, 0.8, 0.0],  // overlaps the first, class 0: suppressed
            [21.0, 21.0, 10.0, 10.0, 0.05, 0.7], // same place, class 1: kept (class-wise NMS)
            [50.0, 50.0, 8.0, 8.0, 0.6, 0.0],    // elsewhere: kept
            [10.0, 50.0, 8.0, 8.0, 0.2, 0.1],    // below confidence
        ]);
        let d = detect(&shape, &out, 2, 0.25, 0.45).expect("decode");
        let got: Vec<(usize, f32)> = d.iter().map(|d| (d.class, d.score)).collect();
        assert_eq!(got, [(0, 0.9), (1, 0.7), (0, 0.6)]);
        assert_eq!(d[0].bbox, [15.0, 15.0, 25.0, 25.0]);
    }

    #[test]
    fn outputs_of_the_wrong_shape_name_it() {
        let err = detect(&[1, 5, 3], &[0.0; 15], 2, 0.25, 0.45).expect_err("shape");
        assert!(err.to_string().contains("[1, 5, 3]"), "{err}");
        assert!(detect(&[1, 6], &[0.0; 6], 2, 0.25, 0.45).is_err());
        assert!(detect(&[1, 6, 3], &[0.0; 5], 2, 0.25, 0.45).is_err());
    }

    #[test]
    fn nan_scores_and_boxes_are_ignored_not_kept() {
        let (shape, out) = output(&[[f32::NAN, 1.0, 1.0, 1.0, 0.9, 0.0], [1.0, 1.0, 1.0, 1.0, f32::NAN, f32::NAN]]);
        assert!(detect(&shape, &out, 2, 0.25, 0.45).expect("decode").is_empty());
        assert_eq!(top_class(&[0.1, f32::NAN, 0.7, 0.2]), Some((2, 0.7)));
    }

    proptest::proptest! {
        /// Whatever the scores, no two kept boxes of one class overlap beyond the limit.
        #[test]
        fn kept_boxes_of_a_class_never_overlap_beyond_the_limit(v in proptest::collection::vec(0.0f32..100.0, 6 * 20)) {
            let n = 20;
            let mut out = v.clone();
            for a in 0..n { out[4 * n + a] /= 100.0; out[5 * n + a] /= 100.0; out[2 * n + a] += 1.0; out[3 * n + a] += 1.0; }
            let d = detect(&[1, 6, n], &out, 2, 0.1, 0.3).expect("decode");
            for (i, a) in d.iter().enumerate() {
                for b in &d[i + 1..] {
                    proptest::prop_assert!(a.class != b.class || iou(&a.bbox, &b.bbox) <= 0.3);
                }
            }
        }
    }
}
