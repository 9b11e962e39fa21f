//! Acceptance sampling by attributes, ISO 2859-1 (identical to GB/T 2828.1
//! and ANSI/ASQ Z1.4): the sample-size code letters (Table 1), single
//! sampling plans for normal, tightened and reduced inspection with the
//! arrows followed (Tables 2-A, 2-B, 2-C), and a deterministic selection of
//! the sampled items from a seed, so that anyone can draw the same sample.

#[rustfmt::skip]
mod tables;

use sha2::{Digest as _, Sha256};

use crate::inspection::{InspectionLevel, Severity};

/// The AQLs of the tables' columns, in percent nonconforming (up to 10) or
/// nonconformities per hundred items.
pub const AQLS: [f64; 26] = [
    0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5, 10.0, 15.0, 25.0, 40.0,
    65.0, 100.0, 150.0, 250.0, 400.0, 650.0, 1000.0,
];

/// Sample-size code letters, in table order.
pub const CODE_LETTERS: [char; 16] = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'Q', 'R'];

/// Table 1: the largest lot of each range and its code letter at levels
/// S-1, S-2, S-3, S-4, I, II, III.
const TABLE_1: [(u64, &[u8; 7]); 15] = [
    (8, b"AAAAAAB"),
    (15, b"AAAAABC"),
    (25, b"AABBBCD"),
    (50, b"ABBCCDE"),
    (90, b"BBCCCEF"),
    (150, b"BBCDDFG"),
    (280, b"BCDEEGH"),
    (500, b"BCDEFHJ"),
    (1_200, b"CCEFGJK"),
    (3_200, b"CDEGHKL"),
    (10_000, b"CDFGJLM"),
    (35_000, b"CDFHKMN"),
    (150_000, b"DEGJLNP"),
    (500_000, b"DEGJMPQ"),
    (u64::MAX, b"DEHKNQR"),
];

/// Why no plan can be given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SamplingError {
    /// Lots start at 2 items.
    #[error("a lot of {0} items is too small to sample (ISO 2859-1 starts at 2)")]
    LotTooSmall(u64),
    /// Not one of the tables' AQL columns.
    #[error("AQL {0} is not one of ISO 2859-1's preferred AQLs (0.010, 0.015, 0.025 … 1000)")]
    UnknownAql(f64),
}

/// A single sampling plan for one lot and one AQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// The code letter Table 1 gives the lot size and level.
    pub code_letter: char,
    /// Items to inspect: the plan's sample size after the arrows, or the
    /// whole lot when that is smaller.
    pub sample_size: u64,
    /// Accept while at most this many items are nonconforming.
    pub accept: u64,
    /// Reject from this many.
    pub reject: u64,
    /// The sample size reached the lot size: inspect every item.
    pub whole_lot: bool,
}

fn level_column(level: InspectionLevel) -> usize {
    match level {
        InspectionLevel::S1 => 0,
        InspectionLevel::S2 => 1,
        InspectionLevel::S3 => 2,
        InspectionLevel::S4 => 3,
        InspectionLevel::I => 4,
        InspectionLevel::II => 5,
        InspectionLevel::III => 6,
    }
}

/// The code letter of Table 1.
pub fn code_letter(lot_size: u64, level: InspectionLevel) -> Result<char, SamplingError> {
    if lot_size < 2 {
        return Err(SamplingError::LotTooSmall(lot_size));
    }
    let (_, row) = TABLE_1.iter().find(|(max, _)| lot_size <= *max).copied().unwrap_or(TABLE_1[14]);
    Ok(char::from(row[level_column(level)]))
}

/// The column of `aql` (matched to within one part in a million).
pub fn aql_column(aql: f64) -> Result<usize, SamplingError> {
    AQLS.iter().position(|a| (a - aql).abs() <= a * 1e-6).ok_or(SamplingError::UnknownAql(aql))
}

/// The single sampling plan for a lot, level, severity and AQL.
pub fn plan(lot_size: u64, level: InspectionLevel, severity: Severity, aql: f64) -> Result<Plan, SamplingError> {
    let letter = code_letter(lot_size, level)?;
    let column = aql_column(aql)?;
    let row = CODE_LETTERS.iter().position(|l| *l == letter).unwrap_or(0);
    let table = match severity {
        Severity::Normal => &tables::NORMAL,
        Severity::Tightened => &tables::TIGHTENED,
        Severity::Reduced => &tables::REDUCED,
    };
    let (n, ac, re) = table[row][column];
    let n = u64::from(n);
    Ok(Plan {
        code_letter: letter,
        sample_size: n.min(lot_size),
        accept: u64::from(ac),
        reject: u64::from(re),
        whole_lot: n >= lot_size,
    })
}

/// The items to inspect: `sample_size` distinct positions in `0..lot_size`
/// (in the order the lot's items are listed), drawn from `seed`, ascending.
///
/// The draw, so that anyone can repeat it: a partial Fisher–Yates shuffle
/// of `0..lot_size`; step `i` swaps position `i` with position
/// `i + r mod (lot_size − i)`, where `r` is the first 8 bytes (big-endian)
/// of SHA-256(`"lading-sample/v1"` ‖ seed ‖ `i` as 8 bytes big-endian ‖
/// `k` as 8 bytes big-endian), taking the first `k = 0, 1, …` for which `r`
/// is below the largest multiple of `lot_size − i` (no modulo bias).
pub fn select(lot_size: u64, sample_size: u64, seed: &[u8]) -> Vec<u64> {
    let n = sample_size.min(lot_size);
    let mut swapped: std::collections::HashMap<u64, u64> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
    for i in 0..n {
        let span = lot_size - i;
        let limit = u64::MAX - u64::MAX % span;
        let mut k = 0u64;
        let r = loop {
            let mut h = Sha256::new();
            h.update(b"lading-sample/v1");
            h.update(seed);
            h.update(i.to_be_bytes());
            h.update(k.to_be_bytes());
            let d = h.finalize();
            let mut first = [0u8; 8];
            first.copy_from_slice(&d[..8]);
            let r = u64::from_be_bytes(first);
            if r < limit {
                break r;
            }
            k += 1;
        };
        let j = i + r % span;
        let at_j = swapped.get(&j).copied().unwrap_or(j);
        let at_i = swapped.get(&i).copied().unwrap_or(i);
        swapped.insert(j, at_i);
        out.push(at_j);
    }
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sample sizes of code letters A…R (and S, tightened only).
    const N: [u16; 17] = [2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000, 3150];

    /// The normal and tightened master tables rebuilt from their published
    /// structure — each plan sits on a diagonal (one column to the left per
    /// row down), with the standard's arrow cells between — and resolved by
    /// following the arrows. Written independently of `tables.rs`.
    fn structural(r: usize, c: usize, tightened: bool) -> (u16, u8, u8) {
        let seq_n: [Option<(u8, u8)>; 13] = [
            Some((0, 1)),
            None,
            None,
            Some((1, 2)),
            Some((2, 3)),
            Some((3, 4)),
            Some((5, 6)),
            Some((7, 8)),
            Some((10, 11)),
            Some((14, 15)),
            Some((21, 22)),
            Some((30, 31)),
            Some((44, 45)),
        ];
        let seq_t: [Option<(u8, u8)>; 12] = [
            Some((0, 1)),
            None,
            None,
            Some((1, 2)),
            Some((2, 3)),
            Some((3, 4)),
            Some((5, 6)),
            Some((8, 9)),
            Some((12, 13)),
            Some((18, 19)),
            Some((27, 28)),
            Some((41, 42)),
        ];
        // Up (-1) or down (+1), or the plan.
        let cell = |r: usize, c: usize| -> Result<(u8, u8), i32> {
            let d = (r + c) as i64 - if tightened { 15 } else { 14 };
            if tightened {
                if r == 16 {
                    return if d == 3 { Ok((1, 2)) } else { Err(-1) };
                }
                if r == 0 && d == 0 {
                    return Err(1);
                }
                if d == 0 || (3..=9).contains(&d) {
                    return Ok(seq_t[d as usize].expect("plan"));
                }
                if d == 10 || d == 11 {
                    return if (r == 0 && d == 10) || (1..=4).contains(&r) {
                        Ok(seq_t[d as usize].expect("plan"))
                    } else {
                        Err(-1)
                    };
                }
                if r == 15 && d == 1 {
                    return Err(-1);
                }
                if d < 0 || d == 1 || d == 2 { Err(1) } else { Err(-1) }
            } else {
                if d == 0 || (3..=10).contains(&d) {
                    return Ok(seq_n[d as usize].expect("plan"));
                }
                if d == 11 || d == 12 {
                    return if (r == 0 && d == 11) || (1..=4).contains(&r) {
                        Ok(seq_n[d as usize].expect("plan"))
                    } else {
                        Err(-1)
                    };
                }
                if d < 0 || d == 2 {
                    return if r == 15 { Err(-1) } else { Err(1) };
                }
                Err(-1)
            }
        };
        let mut row = r;
        for _ in 0..40 {
            match cell(row, c) {
                Ok((ac, re)) => return (N[row], ac, re),
                Err(dir) => {
                    let dir = if dir < 0 && row == 0 { 1 } else { dir };
                    row = (row as i32 + dir) as usize;
                }
            }
        }
        panic!("arrows loop at {r},{c}");
    }

    #[test]
    fn normal_and_tightened_tables_match_the_published_structure_in_every_cell() {
        for (r, letter) in CODE_LETTERS.iter().enumerate() {
            for (c, aql) in AQLS.iter().enumerate() {
                assert_eq!(tables::NORMAL[r][c], structural(r, c, false), "normal {letter} {aql}");
                assert_eq!(tables::TIGHTENED[r][c], structural(r, c, true), "tightened {letter} {aql}");
            }
        }
    }

    #[test]
    fn code_letters_follow_table_1() {
        use InspectionLevel::*;
        let cases = [
            (2, S1, 'A'),
            (8, III, 'B'),
            (9, II, 'B'),
            (100, S3, 'C'),
            (100, S4, 'D'),
            (100, II, 'F'),
            (1_000, II, 'J'),
            (1_201, I, 'H'),
            (10_000, II, 'L'),
            (10_001, II, 'M'),
            (150_000, S4, 'J'),
            (500_001, III, 'R'),
            (u64::MAX, S1, 'D'),
        ];
        for (lot, level, letter) in cases {
            assert_eq!(code_letter(lot, level), Ok(letter), "{lot} {level:?}");
        }
        assert_eq!(code_letter(1, II), Err(SamplingError::LotTooSmall(1)));
    }

    #[test]
    fn plans_as_published() {
        use InspectionLevel::II;
        use Severity::{Normal, Reduced, Tightened};
        let p = |lot, sev, aql| {
            let x = plan(lot, II, sev, aql).expect("plan");
            (x.code_letter, x.sample_size, x.accept, x.reject, x.whole_lot)
        };
        // Lot 1,000 at level II is J: 80 items, AQL 2.5 accepts 5.
        assert_eq!(p(1_000, Normal, 2.5), ('J', 80, 5, 6, false));
        assert_eq!(p(1_000, Normal, 1.0), ('J', 80, 2, 3, false));
        // H at AQL 0.65 is a down arrow: J's 80 items, Ac 1.
        assert_eq!(p(400, Normal, 0.65), ('H', 80, 1, 2, false));
        // An up arrow: N (500) at AQL 4.0 takes M's 315 items, 21/22.
        assert_eq!(p(100_000, Normal, 4.0), ('N', 315, 21, 22, false));
        // Tightened K at 4.0: 125 items, 8/9; reduced J at 1.0: 32 items, 1/3.
        assert_eq!(p(2_000, Tightened, 4.0), ('K', 125, 8, 9, false));
        assert_eq!(p(1_000, Reduced, 1.0), ('J', 32, 1, 3, false));
        // A plan larger than the lot inspects it all.
        assert_eq!(p(10, Normal, 0.010), ('B', 10, 0, 1, true));
        assert_eq!(plan(1_000, II, Normal, 3.0), Err(SamplingError::UnknownAql(3.0)));
        assert_eq!(aql_column(0.65), Ok(9));
    }

    #[test]
    fn selection_is_deterministic_distinct_and_in_range() {
        let a = select(1_000, 80, b"seed-1");
        assert_eq!(a, select(1_000, 80, b"seed-1"));
        assert_ne!(a, select(1_000, 80, b"seed-2"));
        assert_eq!(a.len(), 80);
        assert!(a.windows(2).all(|w| w[0] < w[1]) && a.iter().all(|i| *i < 1_000));
        assert_eq!(select(5, 80, b"x"), vec![0, 1, 2, 3, 4]);
        // The documented algorithm, re-implemented in Python from the doc comment alone, draws these.
        assert_eq!(select(10, 3, b""), vec![2, 7, 9]);
        assert_eq!(select(1_000, 5, b"lot-42"), vec![109, 447, 800, 802, 940]);
        let big = select(u64::MAX, 3, b"s");
        assert_eq!(big.len(), 3);
    }
}
