//! Printing results as text lines or one JSON object.

use serde_json::{Map, Value};

use crate::args::OutputArg;

/// The result of a command: named fields printed in order.
#[derive(Debug, Default)]
pub struct Report {
    fields: Map<String, Value>,
}

impl Report {
    /// A report about `action`.
    pub fn new(action: &str) -> Self {
        let mut report = Self::default();
        report.fields.insert("action".into(), Value::from(action));
        report
    }

    /// Adds a field.
    pub fn field(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.fields.insert(name.into(), value.into());
        self
    }

    /// Prints the report on stdout in the chosen format.
    pub fn print(&self, format: OutputArg) {
        match format {
            OutputArg::Json => println!("{}", Value::Object(self.fields.clone())),
            OutputArg::Text => {
                for (name, value) in &self.fields {
                    match value {
                        Value::String(text) => println!("{name}: {text}"),
                        other => println!("{name}: {other}"),
                    }
                }
            }
        }
    }
}
