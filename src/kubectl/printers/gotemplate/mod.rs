//! `-o go-template=…` / `--template` (`k8s.io/cli-runtime/pkg/printers/template.go`
//! `GoTemplatePrinter`): the object is marshalled to JSON and decoded into generic maps, then a
//! Go `text/template` named `output` runs on it with kubectl's extra functions `exists` and
//! `base64decode`, `missingkey=default` unless `--allow-missing-template-keys=false`.
//!
//! The engine is a small reimplementation of Go's `text/template` (lexer, parser, executor,
//! builtins and the `fmt` verbs they print with), matching its output and error texts for
//! what a template can do with decoded JSON. Not modelled: complex-number constants and
//! hex-float literals (both rejected as `illegal number syntax`).

mod exec;
mod fmt;
mod funcs;
mod lex;
mod node;
mod parse;
mod value;

use serde_json::Value;

/// A parsed template.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    text: String,
    trees: parse::Trees,
}

/// Why executing a template failed: the output written before the failure and Go's error
/// (`template: output:1:2: executing "output" at <…>: …`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecError {
    /// What the template printed before it stopped.
    pub partial: String,
    /// The `ExecError` text.
    pub message: String,
}

/// Parses a template (`template.New("output").Funcs(…).Parse(text)`); the error is Go's
/// (`template: output:1: unclosed action`).
pub fn parse(text: &str) -> Result<Template, String> {
    Ok(Template { text: text.to_string(), trees: parse::parse(text)? })
}

impl Template {
    /// Executes on the decoded object; `allow_missing_keys` false is `missingkey=error`.
    pub fn execute(&self, data: &Value, allow_missing_keys: bool) -> Result<String, ExecError> {
        let mut ex = exec::Exec::new(&self.text, &self.trees, !allow_missing_keys, value::Val::Data(data, false));
        match ex.walk_list(&value::Val::Data(data, false), &self.trees.root) {
            Ok(()) | Err(exec::Stop::Break) | Err(exec::Stop::Continue) => Ok(ex.out),
            Err(exec::Stop::Error(message)) => Err(ExecError { partial: ex.out, message }),
        }
    }
}

/// `%+v` of the decoded object, as the printer's debugging dump shows it.
pub fn go_sprint(v: &Value) -> String {
    fmt::sprint_json(v)
}

/// `strconv.Quote` (`%q` of a string).
pub fn go_quote(s: &str) -> String {
    fmt::quote(s)
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
