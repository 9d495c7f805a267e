//! Reading the `--prometheus` file back with a real exposition-format parser
//! (openmetrics-parser's strict Prometheus grammar), as families of gauge samples.

use openmetrics_parser::{prometheus::parse_prometheus, PrometheusType, PrometheusValue};
use std::collections::BTreeMap;
use std::path::Path;

/// A sample's labels, by name.
pub type Labels = BTreeMap<String, String>;

/// One family as parsed: its help text and samples, in file order.
#[derive(Debug)]
pub struct Family {
    pub help: String,
    pub samples: Vec<(Labels, f64)>,
}

impl Family {
    /// The value of the sample whose labels include every `(name, value)` of `want`; panics
    /// unless exactly one matches.
    #[track_caller]
    pub fn value(&self, want: &[(&str, &str)]) -> f64 {
        let hits: Vec<f64> = self
            .samples
            .iter()
            .filter(|(l, _)| {
                want.iter()
                    .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
            })
            .map(|(_, v)| *v)
            .collect();
        assert_eq!(hits.len(), 1, "{want:?} in {:?}", self.samples);
        hits[0]
    }

    /// Each sample's `label`, in file order.
    pub fn labels(&self, label: &str) -> Vec<String> {
        self.samples
            .iter()
            .map(|(l, _)| l.get(label).cloned().unwrap_or_default())
            .collect()
    }
}

/// Parse the text strictly (a syntax error, a family continued after another one or a
/// duplicate label fails the test); every family must be a gauge.
#[track_caller]
pub fn parse(text: &str) -> BTreeMap<String, Family> {
    let exp = parse_prometheus(text).unwrap_or_else(|e| panic!("{e:?} in\n{text}"));
    exp.families
        .into_iter()
        .map(|(name, f)| {
            assert_eq!(f.family_type, PrometheusType::Gauge, "{name}");
            let samples = f
                .iter_samples()
                .map(|s| {
                    let labels = s
                        .get_labelset()
                        .unwrap()
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    let PrometheusValue::Gauge(n) = &s.value else {
                        panic!("{name}: {:?}", s.value)
                    };
                    (labels, n.as_f64())
                })
                .collect();
            (
                name,
                Family {
                    help: f.help.clone(),
                    samples,
                },
            )
        })
        .collect()
}

/// [`parse`] the file at `path`.
#[track_caller]
pub fn parse_file(path: &Path) -> BTreeMap<String, Family> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse(&text)
}
