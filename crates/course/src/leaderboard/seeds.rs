//! One row, several seeds: which seeds a unit runs, what their figures add up to, and when one
//! figure beats another.
//!
//! A run's accuracy moves with its seed (the initial weights, the batch order, dropout): unit 8's
//! default gave 0.88320, 0.88524, 0.88652 and 0.87208 with the same settings. So a figure of
//! several seeds is shown as their mean and their *spread* (the highest minus the lowest), and
//! one figure beats another only when the means differ by more than the larger spread.

use super::rows::Row;

/// The seeds `--seeds N` runs, in this order: the first is every unit's default (123), so a
/// one-seed leaderboard and the first seed of a longer one are the same runs.
pub const SEED_LIST: [u64; 5] = [123, 7, 42, 2024, 31337];

/// The most seeds a unit runs: unit 1's toy models take none, unit 9 (50 minutes a seed) two.
fn most_seeds(unit: &str) -> usize {
    match unit {
        "unit1" => 0,
        "unit9" => 2,
        _ => SEED_LIST.len(),
    }
}

/// The seeds `unit` runs when `count` are asked for: `[None]` (its default, no `--seed`) when
/// none are asked for or the unit takes none.
pub fn seeds_for(unit: &str, count: usize) -> Vec<Option<u64>> {
    let count = count.min(most_seeds(unit));
    if count == 0 {
        return vec![None];
    }
    SEED_LIST[..count].iter().copied().map(Some).collect()
}

/// Checks `--seeds N` before anything runs.
pub fn check_count(count: usize) -> anyhow::Result<()> {
    if count > SEED_LIST.len() {
        anyhow::bail!(
            "--seeds {count}: at most {} seeds ({:?})",
            SEED_LIST.len(),
            SEED_LIST
        );
    }
    Ok(())
}

/// Several runs' figures of one measure (test or validation accuracy).
#[derive(Debug, Clone, PartialEq)]
pub struct Spread {
    pub mean: f64,
    pub lowest: f64,
    pub highest: f64,
    pub runs: usize,
}

impl Spread {
    /// `None` when no run has the figure.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Spread> {
        let values: Vec<f64> = values.into_iter().collect();
        if values.is_empty() {
            return None;
        }
        let fold = |start: f64, pick: fn(f64, f64) -> f64| values.iter().copied().fold(start, pick);
        Some(Spread {
            mean: values.iter().sum::<f64>() / values.len() as f64,
            lowest: fold(f64::INFINITY, f64::min),
            highest: fold(f64::NEG_INFINITY, f64::max),
            runs: values.len(),
        })
    }

    /// A single figure (the original course's), whose spread is unknown: taken as 0.
    pub fn exact(value: f64) -> Spread {
        Spread {
            mean: value,
            lowest: value,
            highest: value,
            runs: 1,
        }
    }

    /// The highest minus the lowest (0 for one run).
    pub fn width(&self) -> f64 {
        self.highest - self.lowest
    }

    /// `0.89704` for one run; `0.89650 (0.89580-0.89704, 3 seeds)` for several.
    pub fn shown(&self) -> String {
        if self.runs == 1 {
            format!("{:.5}", self.mean)
        } else {
            format!(
                "{:.5} ({:.5}-{:.5}, {} seeds)",
                self.mean, self.lowest, self.highest, self.runs
            )
        }
    }
}

/// How one figure stands against another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Higher by more than the larger spread.
    Beats,
    /// Lower by more than the larger spread.
    Trails,
    /// The means differ by no more than the larger spread: the seeds cannot tell them apart.
    WithinSpread,
}

/// `a` against `b`. With one run on each side there is no spread to go by, and the means decide:
/// such a verdict is one seed's (the table says how many seeds stand behind each figure).
pub fn compare(a: &Spread, b: &Spread) -> Standing {
    let difference = a.mean - b.mean;
    let spread = a.width().max(b.width());
    if difference.abs() <= spread {
        Standing::WithinSpread
    } else if difference > 0.0 {
        Standing::Beats
    } else {
        Standing::Trails
    }
}

/// One unit's line of the results: its runs (the seeded ones when there are any; else its one
/// default run), finished ones only in the figures.
#[derive(Debug, Clone)]
pub struct UnitResult<'a> {
    pub runs: Vec<&'a Row>,
    /// The unit's newest finished run, seeded or not: its wall time is the one shown. Seeds are
    /// often run beside other work, while a sitting of the whole leaderboard runs alone, so the
    /// newest run says what the unit costs now better than the seeds' mean.
    pub newest: &'a Row,
}

impl<'a> UnitResult<'a> {
    /// Every unit's result from the saved rows, in course order.
    pub fn all(rows: &'a [Row]) -> Vec<UnitResult<'a>> {
        let mut units: Vec<&str> = rows.iter().map(|row| row.unit.as_str()).collect();
        units.sort_unstable();
        units.dedup();
        units
            .into_iter()
            .map(|unit| {
                let of_unit: Vec<&Row> = rows.iter().filter(|row| row.unit == unit).collect();
                let seeded: Vec<&Row> = of_unit
                    .iter()
                    .copied()
                    .filter(|row| row.seed.is_some())
                    .collect();
                let newest = newest_finished(&of_unit);
                let mut runs = if seeded.is_empty() { of_unit } else { seeded };
                runs.sort_by_key(|row| row.seed);
                UnitResult { runs, newest }
            })
            .collect()
    }

    pub fn unit(&self) -> &str {
        &self.runs[0].unit
    }

    fn finished(&self) -> impl Iterator<Item = &&'a Row> {
        self.runs.iter().filter(|row| row.error.is_none())
    }

    pub fn test(&self) -> Option<Spread> {
        Spread::of(self.finished().filter_map(|row| row.test))
    }

    pub fn validation(&self) -> Option<Spread> {
        Spread::of(self.finished().filter_map(|row| row.validation))
    }

    /// The wall time of the newest run.
    pub fn seconds(&self) -> f64 {
        self.newest.seconds
    }

    /// The newest run when it is not one of the runs behind the figures (a sitting's default run
    /// made after the seeds), so that the page can say where the wall time comes from.
    pub fn newest_beside_the_runs(&self) -> Option<&'a Row> {
        let among_runs = self.runs.iter().any(|row| std::ptr::eq(*row, self.newest));
        (!among_runs).then_some(self.newest)
    }

    /// The seeds behind the figures (`None`: the unit's default, before seeds were recorded).
    pub fn seeds(&self) -> Vec<Option<u64>> {
        self.runs.iter().map(|row| row.seed).collect()
    }

    /// The first failed run's error.
    pub fn error(&self) -> Option<&str> {
        self.runs.iter().find_map(|row| row.error.as_deref())
    }
}

/// The run that finished last (`finished` is `YYYY-MM-DD_HH-MM-SS`, so it sorts as text), a
/// finished one before a failed one. `rows` is never empty.
fn newest_finished<'a>(rows: &[&'a Row]) -> &'a Row {
    rows.iter()
        .copied()
        .max_by_key(|row| (row.error.is_none(), row.finished.as_str()))
        .expect("a unit's result has at least one row")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_unit_runs_the_seeds_it_can_take() {
        assert_eq!(seeds_for("unit7", 0), [None]);
        assert_eq!(seeds_for("unit7", 3), [Some(123), Some(7), Some(42)]);
        assert_eq!(seeds_for("unit9", 3), [Some(123), Some(7)]);
        assert_eq!(seeds_for("unit1", 3), [None]);
        assert!(check_count(5).is_ok());
        let error = check_count(6).unwrap_err().to_string();
        assert!(error.contains("at most 5 seeds"), "{error}");
    }

    #[test]
    fn a_spread_is_the_mean_and_the_range() {
        let spread = Spread::of([0.88, 0.87, 0.89]).unwrap();
        assert!((spread.mean - 0.88).abs() < 1e-12);
        assert!((spread.width() - 0.02).abs() < 1e-12);
        assert_eq!(spread.shown(), "0.88000 (0.87000-0.89000, 3 seeds)");
        assert_eq!(Spread::exact(0.91472).shown(), "0.91472");
        assert_eq!(Spread::of([]), None);
    }

    #[test]
    fn one_figure_beats_another_only_beyond_the_larger_spread() {
        let bag_of_words = Spread::of([0.8723, 0.8731, 0.8719]).unwrap(); // spread 0.0012
        let transformer = Spread::of([0.8832, 0.8852, 0.8721]).unwrap(); // spread 0.0131
                                                                         // 0.0079 apart, less than the transformer's own spread: no verdict.
        assert_eq!(compare(&transformer, &bag_of_words), Standing::WithinSpread);
        assert_eq!(compare(&bag_of_words, &transformer), Standing::WithinSpread);
        let cnn = Spread::of([0.8958, 0.8962, 0.8970]).unwrap();
        assert_eq!(compare(&cnn, &bag_of_words), Standing::Beats);
        assert_eq!(compare(&bag_of_words, &cnn), Standing::Trails);
        // Against the course's single figure only the unit's own spread counts.
        let course = Spread::exact(0.8940);
        assert_eq!(compare(&cnn, &course), Standing::Beats);
        assert_eq!(
            compare(&Spread::of([0.8950, 0.8970]).unwrap(), &course),
            Standing::WithinSpread
        );
    }
}
