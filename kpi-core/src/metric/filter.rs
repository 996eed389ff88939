//! Metric filters: boolean formulas over a fact's fields, compiled once per fact table.
//!
//! ```text
//! kind == "order" && status == "won"
//! kind in ["order", "refund"] && amount >= 1000
//! attributes.score >= 4 && !(attributes.channel == "web")
//! ```
//!
//! Fields: `id`, `kind`, `owner`, `customer`, `status` (text), `amount` (money), `date`
//! (the fact's date, which orders against a date literal) and `attributes.<name>`
//! (whatever the facts hold). The full formula language applies
//! (see [`crate::formula`]); a missing value equals nothing, so `status != "won"` holds
//! for a fact with no status.

use std::collections::BTreeMap;

use crate::error::{ErrorKind, Result};
use crate::fact::{Attribute, CodeTest, Column, FactTable};
use crate::formula::syntax::{BinOp, Node, NodeKind};
use crate::formula::{self, Formula, Type, Unit, Value};
use crate::maps::IntoMap;

/// A parsed and checked filter, independent of any facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    formula: Formula,
}

impl Filter {
    /// Parses and checks filter text. Errors carry the line and column, and a caret line;
    /// an unknown field suggests the closest one.
    pub fn parse(text: &str) -> Result<Filter> {
        let mut fields: BTreeMap<String, Type> = Column::NAMES
            .iter()
            .map(|(name, _)| ((*name).to_owned(), Type::Text))
            .into_map();
        fields.insert("amount".to_owned(), Type::Number(Unit::Money));
        // The fact's own date, as YYYY-MM-DD text: it orders as a date against a date
        // literal (`date >= "2026-03-01"`), for date-bounded metrics such as SPIFFs.
        fields.insert("date".to_owned(), Type::Text);
        let formula = Formula::check_with(
            text,
            &|name| {
                fields.get(name).copied().or_else(|| {
                    name.strip_prefix("attributes.")
                        .filter(|a| !a.is_empty())
                        .map(|_| Type::Any)
                })
            },
            &|| fields.keys().cloned().collect(),
        )
        .map_err(|e| {
            if e.kind() == ErrorKind::FormulaUnknownName {
                crate::error::Error::new(
                    ErrorKind::FormulaUnknownField,
                    e.message().replace("unknown name", "unknown field"),
                )
                .at(e.location().clone())
            } else {
                e
            }
        })?;
        if !matches!(formula.result_type(), Type::Bool | Type::Any | Type::Null) {
            return Err(formula::error_at(
                ErrorKind::FormulaTypeMismatch,
                text,
                formula.root().at,
                &format!(
                    "a filter must be true or false, not {}",
                    formula.result_type().name()
                ),
            ));
        }
        Ok(Filter { formula })
    }

    /// Resolves field names and literals against the dictionaries of `facts`, once, so the
    /// common tests (`kind == "order"`, `status in [...]`) compare `u32` codes per row.
    pub(crate) fn compile(&self, facts: &FactTable) -> CompiledFilter {
        CompiledFilter {
            test: compile(self.formula.root(), facts),
        }
    }
}

/// A filter bound to one [`FactTable`].
#[derive(Debug, Clone)]
pub(crate) struct CompiledFilter {
    test: Test,
}

#[derive(Debug, Clone)]
enum Test {
    Const(bool),
    Or(Box<Test>, Box<Test>),
    And(Box<Test>, Box<Test>),
    /// Both cheap tests (codes, constants), evaluated without a branch on the first:
    /// `status == "won"` holds for an unpredictable share of rows.
    Both(Box<Test>, Box<Test>),
    Not(Box<Test>),
    /// Whether each code of the column passes (`kind == "order"`, `status in [...]`,
    /// `!=`), and whether a missing value does: one lookup per row.
    Codes {
        column: Column,
        pass: Vec<bool>,
        missing: bool,
    },
    /// Anything else: evaluated with the row's values.
    General(Node),
}

impl CompiledFilter {
    /// Whether the fact at `row` passes; an error only when the filter computes with
    /// numbers (`amount * 2 > 100`) and a result overflows.
    pub(crate) fn matches(&self, facts: &FactTable, row: usize) -> Result<bool> {
        run(&self.test, facts, row)
    }

    /// Whether the filter computes with numbers, so that a row can fail it with an
    /// overflow error rather than pass or not.
    pub(crate) fn can_fail(&self) -> bool {
        self.test.can_fail()
    }

    /// The filter as a conjunction of code tests, for the fused scan; `None` when it is
    /// something else (an `||`, a comparison of amounts …). Tests every fact passes are
    /// left out: `kind == "order"` over a table of orders reads no column.
    pub(crate) fn code_tests<'a>(&self, facts: &'a FactTable) -> Option<Vec<CodeTest<'a>>> {
        let mut tests = Vec::new();
        conjunction(&self.test, facts, &mut tests).then_some(tests)
    }
}

/// Adds the code tests whose conjunction is `test` to `tests`; `false` if it is not one.
fn conjunction<'a>(test: &Test, facts: &'a FactTable, tests: &mut Vec<CodeTest<'a>>) -> bool {
    match test {
        Test::Const(value) => *value,
        Test::And(a, b) | Test::Both(a, b) => {
            conjunction(a, facts, tests) && conjunction(b, facts, tests)
        }
        Test::Codes {
            column,
            pass,
            missing,
        } => {
            // Every fact has an id and a kind: no code of theirs is missing.
            let never_missing = matches!(column, Column::Id | Column::Kind);
            if !(never_missing && pass.iter().all(|p| *p)) {
                let mut pass = pass.clone();
                pass.push(*missing);
                tests.push(CodeTest {
                    codes: facts.codes(*column),
                    pass,
                });
            }
            true
        }
        Test::Or(..) | Test::Not(_) | Test::General(_) => false,
    }
}

fn column_of(node: &Node) -> Option<Column> {
    match &node.kind {
        NodeKind::Name(name) => Column::NAMES
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| *c),
        _ => None,
    }
}

fn text_of(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Text(t) => Some(t),
        _ => None,
    }
}

/// The `Codes` test of `column` against `texts` (`equal`: is one of them; else is none).
/// A missing value equals nothing.
fn codes(facts: &FactTable, column: Column, texts: &[&str], equal: bool) -> Test {
    let dictionary = facts.dictionary(column);
    let mut pass = vec![!equal; dictionary.len()];
    for code in texts.iter().filter_map(|t| dictionary.code(t)) {
        pass[code as usize] = equal;
    }
    Test::Codes {
        column,
        pass,
        missing: !equal,
    }
}

impl Test {
    fn is_cheap(&self) -> bool {
        match self {
            Test::Const(_) | Test::Codes { .. } => true,
            Test::Both(a, b) => a.is_cheap() && b.is_cheap(),
            _ => false,
        }
    }
}

fn compile(node: &Node, facts: &FactTable) -> Test {
    match &node.kind {
        NodeKind::Bool(b) => Test::Const(*b),
        NodeKind::Binary(BinOp::And, a, b) => {
            let (a, b) = (compile(a, facts), compile(b, facts));
            if a.is_cheap() && b.is_cheap() {
                Test::Both(Box::new(a), Box::new(b))
            } else {
                Test::And(Box::new(a), Box::new(b))
            }
        }
        NodeKind::Binary(BinOp::Or, a, b) => {
            Test::Or(Box::new(compile(a, facts)), Box::new(compile(b, facts)))
        }
        NodeKind::Not(a) => Test::Not(Box::new(compile(a, facts))),
        NodeKind::Binary(op @ (BinOp::Eq | BinOp::Ne), a, b) => {
            let pair = column_of(a)
                .zip(text_of(b))
                .or_else(|| column_of(b).zip(text_of(a)));
            match pair {
                Some((column, text)) => codes(facts, column, &[text], *op == BinOp::Eq),
                None => Test::General(node.clone()),
            }
        }
        NodeKind::In(left, items) => {
            let texts: Option<Vec<&str>> = items.iter().map(text_of).collect();
            match (column_of(left), texts) {
                (Some(column), Some(texts)) => codes(facts, column, &texts, true),
                _ => Test::General(node.clone()),
            }
        }
        _ => Test::General(node.clone()),
    }
}

impl Test {
    fn can_fail(&self) -> bool {
        match self {
            Test::Const(_) | Test::Codes { .. } => false,
            Test::Or(a, b) | Test::And(a, b) | Test::Both(a, b) => a.can_fail() || b.can_fail(),
            Test::Not(a) => a.can_fail(),
            Test::General(node) => {
                let mut arithmetic = false;
                node.walk(&mut |n| {
                    arithmetic |= matches!(
                        n.kind,
                        NodeKind::Binary(BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div, ..)
                            | NodeKind::Call(..)
                    );
                });
                arithmetic
            }
        }
    }
}

fn run(test: &Test, facts: &FactTable, row: usize) -> Result<bool> {
    Ok(match test {
        Test::Const(value) => *value,
        Test::Or(a, b) => run(a, facts, row)? || run(b, facts, row)?,
        Test::And(a, b) => run(a, facts, row)? && run(b, facts, row)?,
        Test::Both(a, b) => run(a, facts, row)? & run(b, facts, row)?,
        Test::Not(a) => !run(a, facts, row)?,
        Test::Codes {
            column,
            pass,
            missing,
        } => {
            // The missing code (`u32::MAX`) is past the table: it reads `missing`.
            let code = facts.codes(*column).get(row);
            pass.get(code as usize).copied().unwrap_or(*missing)
        }
        Test::General(node) => {
            let lookup = |name: &str| field_value(facts, row, name);
            formula::eval_node(node, &lookup)? == Value::Bool(true)
        }
    })
}

/// The value of a field of the fact at `row`.
fn field_value(facts: &FactTable, row: usize, name: &str) -> Value {
    if name == "amount" {
        return facts.amounts().get(row).into();
    }
    if name == "date" {
        return Value::Text(facts.dates()[row].to_string());
    }
    if let Some((_, column)) = Column::NAMES.iter().find(|(n, _)| *n == name) {
        let code = facts.codes(*column).get(row);
        return facts
            .dictionary(*column)
            .get(code)
            .map_or(Value::Null, |t| Value::Text(t.to_owned()));
    }
    let attribute = name
        .strip_prefix("attributes.")
        .and_then(|a| facts.attribute(a))
        .and_then(|column| column[row].as_ref());
    match attribute {
        Some(Attribute::Bool(b)) => Value::Bool(*b),
        Some(Attribute::Text(t)) => Value::Text(t.clone()),
        Some(Attribute::Number(n)) => Value::Number(*n),
        None => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> FactTable {
        FactTable::from_json(
            r#"[
            {"id": "1", "kind": "order", "status": "won", "amount": "1500", "date": "2026-01-01"},
            {"id": "2", "kind": "order", "status": "lost", "amount": "200", "date": "2026-01-01"},
            {"id": "3", "kind": "order", "date": "2026-01-01"},
            {"id": "4", "kind": "survey", "date": "2026-01-01", "attributes": {"score": 5}},
            {"id": "5", "kind": "survey", "date": "2026-01-01", "attributes": {"score": 2}}
        ]"#,
        )
        .unwrap()
    }

    fn rows(filter: &str) -> Vec<usize> {
        let facts = facts();
        let compiled = Filter::parse(filter).unwrap().compile(&facts);
        (0..facts.len())
            .filter(|&r| compiled.matches(&facts, r).unwrap())
            .collect()
    }

    #[test]
    fn equality_sets_comparisons_and_boolean_operators() {
        assert_eq!(rows(r#"kind == "order" && status == "won""#), [0]);
        assert_eq!(rows(r#"kind == 'order' && status != "won""#), [1, 2]);
        assert_eq!(rows(r#"status == "won" || attributes.score == 5"#), [0, 3]);
        assert_eq!(rows(r#"!(kind == "order")"#), [3, 4]);
        assert_eq!(rows(r#"kind == "deal""#), Vec::<usize>::new());
        assert_eq!(rows(r#"kind != "deal""#), [0, 1, 2, 3, 4]);
        assert_eq!(rows(r#"status in ["won", "lost"]"#), [0, 1]);
        assert_eq!(rows("amount >= 1000"), [0]);
        assert_eq!(rows("attributes.score >= 4"), [3]);
        assert_eq!(rows(r#""order" == kind && amount < 1000"#), [1]);
        // && binds tighter than ||.
        assert_eq!(
            rows(r#"status == "lost" || kind == "order" && status == "won""#),
            [0, 1]
        );
    }

    #[test]
    fn errors_point_at_line_and_column() {
        let err = Filter::parse("kind == \"order\" &&\n  stauts == \"won\"").unwrap_err();
        assert_eq!(err.code(), "formula.unknown_field");
        assert_eq!(
            (err.location().line, err.location().column),
            (Some(2), Some(3))
        );
        assert!(err.message().contains("did you mean `status`?"), "{err}");
        assert!(
            err.message().ends_with("\n    stauts == \"won\"\n    ^"),
            "{err}"
        );

        let err = Filter::parse(r#"kind = "order""#).unwrap_err();
        assert_eq!(err.code(), "formula.syntax");
        assert_eq!(err.location().column, Some(6));

        for bad in [
            r#"kind == "order"#,
            "kind ==",
            "(kind == \"a\"",
            "&& kind == \"a\"",
        ] {
            assert_eq!(
                Filter::parse(bad).unwrap_err().code(),
                "formula.syntax",
                "{bad}"
            );
        }
        assert_eq!(
            Filter::parse("kind == 5").unwrap_err().code(),
            "formula.type_mismatch"
        );
        assert_eq!(
            Filter::parse("amount + 1").unwrap_err().code(),
            "formula.type_mismatch"
        );
    }

    #[test]
    fn hostile_input_is_refused_not_overflowed() {
        let deep = format!("{}kind == \"a\"{}", "(".repeat(100), ")".repeat(100));
        assert_eq!(
            Filter::parse(&deep).unwrap_err().code(),
            "formula.too_complex"
        );
        let nested_not = format!("{}kind == \"a\"", "!".repeat(1000));
        assert_eq!(
            Filter::parse(&nested_not).unwrap_err().code(),
            "formula.too_complex"
        );
        let long = "kind == \"a\" || ".repeat(1000) + "true";
        assert_eq!(
            Filter::parse(&long).unwrap_err().code(),
            "formula.too_complex"
        );
    }
}
