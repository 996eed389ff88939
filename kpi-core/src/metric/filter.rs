//! The filter language: which facts a metric counts.
//!
//! ```text
//! kind == "order" && status == "won"
//! kind == "refund" || (kind == "order" && status != "lost")
//! attributes.score == 5 && !(attributes.channel == "web")
//! ```
//!
//! A comparison is a field, `==` or `!=`, and a literal. Fields are `id`, `kind`, `owner`,
//! `customer`, `status` (text) and `attributes.<name>`. Literals are strings in double or
//! single quotes, decimal numbers, and `true`/`false`. `&&` binds tighter than `||`; `!`
//! negates; parentheses group. A missing value equals nothing, so `status != "won"` holds
//! for a fact with no status. The issue on metrics grows this into the full formula
//! language; this module is its lexer, parser and compiled form for filters.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind, Location, Result};
use crate::fact::{Attribute, Column, FactTable};

/// Longest filter text accepted, in bytes: a guard against hostile input.
const MAX_LEN: usize = 4096;
/// Deepest nesting accepted.
const MAX_DEPTH: usize = 64;

/// A parsed filter, independent of any facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    expr: Expr,
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Compare {
        field: Field,
        equal: bool,
        literal: Literal,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Field {
    Column(Column),
    Attribute(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Literal {
    Text(String),
    Number(Decimal),
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Text(String),
    Number(Decimal),
    Equal,
    NotEqual,
    And,
    Or,
    Not,
    Open,
    Close,
    End,
}

impl Filter {
    /// Parses filter text. Errors carry the 1-based line and column, and a caret line.
    pub fn parse(text: &str) -> Result<Filter> {
        if text.len() > MAX_LEN {
            return Err(Error::new(
                ErrorKind::FormulaSyntax,
                format!(
                    "the filter is {} bytes long; the limit is {MAX_LEN}",
                    text.len()
                ),
            ));
        }
        let tokens = lex(text)?;
        let mut parser = Parser {
            text,
            tokens,
            next: 0,
            depth: 0,
        };
        let expr = parser.or()?;
        match parser.peek() {
            Token::End => Ok(Filter { expr }),
            _ => Err(parser.error_here("expected `&&`, `||` or the end of the filter")),
        }
    }

    /// Resolves field names and literals against the dictionaries of `facts`, once, so the
    /// per-row test compares integer codes.
    pub(crate) fn compile(&self, facts: &FactTable) -> CompiledFilter {
        CompiledFilter {
            expr: compile(&self.expr, facts),
        }
    }
}

/// A filter bound to one [`FactTable`].
#[derive(Debug, Clone)]
pub(crate) struct CompiledFilter {
    expr: Compiled,
}

#[derive(Debug, Clone)]
enum Compiled {
    Const(bool),
    Or(Box<Compiled>, Box<Compiled>),
    And(Box<Compiled>, Box<Compiled>),
    Not(Box<Compiled>),
    /// `column == code` (or `!=` when `equal` is false).
    Code {
        column: Column,
        code: u32,
        equal: bool,
    },
    Attribute {
        name: String,
        literal: Literal,
        equal: bool,
    },
}

impl CompiledFilter {
    /// Whether the fact at `row` passes.
    pub(crate) fn matches(&self, facts: &FactTable, row: usize) -> bool {
        eval(&self.expr, facts, row)
    }
}

fn compile(expr: &Expr, facts: &FactTable) -> Compiled {
    match expr {
        Expr::Or(a, b) => Compiled::Or(Box::new(compile(a, facts)), Box::new(compile(b, facts))),
        Expr::And(a, b) => Compiled::And(Box::new(compile(a, facts)), Box::new(compile(b, facts))),
        Expr::Not(a) => Compiled::Not(Box::new(compile(a, facts))),
        Expr::Compare {
            field: Field::Column(column),
            equal,
            literal,
        } => {
            let Literal::Text(text) = literal else {
                // The parser only lets text literals meet text columns.
                return Compiled::Const(!equal);
            };
            match facts.dictionary(*column).code(text) {
                Some(code) => Compiled::Code {
                    column: *column,
                    code,
                    equal: *equal,
                },
                // A value no fact has: `==` never holds, `!=` always does.
                None => Compiled::Const(!equal),
            }
        }
        Expr::Compare {
            field: Field::Attribute(name),
            equal,
            literal,
        } => Compiled::Attribute {
            name: name.clone(),
            literal: literal.clone(),
            equal: *equal,
        },
    }
}

fn eval(expr: &Compiled, facts: &FactTable, row: usize) -> bool {
    match expr {
        Compiled::Const(value) => *value,
        Compiled::Or(a, b) => eval(a, facts, row) || eval(b, facts, row),
        Compiled::And(a, b) => eval(a, facts, row) && eval(b, facts, row),
        Compiled::Not(a) => !eval(a, facts, row),
        Compiled::Code {
            column,
            code,
            equal,
        } => (facts.codes(*column)[row] == *code) == *equal,
        Compiled::Attribute {
            name,
            literal,
            equal,
        } => {
            let value = facts
                .attribute(name)
                .and_then(|column| column[row].as_ref());
            let same = match (value, literal) {
                (Some(Attribute::Text(a)), Literal::Text(b)) => a == b,
                (Some(Attribute::Number(a)), Literal::Number(b)) => a == b,
                (Some(Attribute::Bool(a)), Literal::Bool(b)) => a == b,
                _ => false,
            };
            same == *equal
        }
    }
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<(Token, usize)>,
    next: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.next].0
    }

    fn bump(&mut self) -> Token {
        let token = self.tokens[self.next].0.clone();
        if token != Token::End {
            self.next += 1;
        }
        token
    }

    fn error_here(&self, message: &str) -> Error {
        syntax_error(self.text, self.tokens[self.next].1, message)
    }

    fn or(&mut self) -> Result<Expr> {
        let mut left = self.and()?;
        while *self.peek() == Token::Or {
            self.bump();
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr> {
        let mut left = self.unary()?;
        while *self.peek() == Token::And {
            self.bump();
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here(&format!("the filter nests deeper than {MAX_DEPTH}")));
        }
        let result = match self.peek() {
            Token::Not => {
                self.bump();
                self.unary().map(|e| Expr::Not(Box::new(e)))
            }
            Token::Open => {
                self.bump();
                let inner = self.or()?;
                if *self.peek() == Token::Close {
                    self.bump();
                    Ok(inner)
                } else {
                    Err(self.error_here("expected `)`"))
                }
            }
            _ => self.comparison(),
        };
        self.depth -= 1;
        result
    }

    fn comparison(&mut self) -> Result<Expr> {
        let field_at = self.tokens[self.next].1;
        let Token::Ident(name) = self.bump() else {
            self.next = self.next.saturating_sub(1);
            return Err(self.error_here("expected a field name, `!` or `(`"));
        };
        let field = resolve_field(self.text, field_at, &name)?;
        let equal = match self.peek() {
            Token::Equal => true,
            Token::NotEqual => false,
            _ => return Err(self.error_here("expected `==` or `!=`")),
        };
        self.bump();
        let literal_at = self.tokens[self.next].1;
        let literal = match self.bump() {
            Token::Text(text) => Literal::Text(text),
            Token::Number(number) => Literal::Number(number),
            Token::Ident(word) if word == "true" => Literal::Bool(true),
            Token::Ident(word) if word == "false" => Literal::Bool(false),
            _ => {
                return Err(syntax_error(
                    self.text,
                    literal_at,
                    "expected a string, a number, `true` or `false`",
                ));
            }
        };
        if matches!(field, Field::Column(_)) && !matches!(literal, Literal::Text(_)) {
            return Err(syntax_error(
                self.text,
                literal_at,
                &format!("`{name}` is text: compare it with a quoted string"),
            ));
        }
        Ok(Expr::Compare {
            field,
            equal,
            literal,
        })
    }
}

fn resolve_field(text: &str, at: usize, name: &str) -> Result<Field> {
    if let Some((_, column)) = Column::NAMES.iter().find(|(n, _)| *n == name) {
        return Ok(Field::Column(*column));
    }
    if let Some(attribute) = name.strip_prefix("attributes.").filter(|a| !a.is_empty()) {
        return Ok(Field::Attribute(attribute.to_owned()));
    }
    let mut message = format!(
        "unknown field `{name}`; fields are id, kind, owner, customer, status and attributes.<name>"
    );
    if let Some(suggestion) = suggest(name, Column::NAMES.iter().map(|(n, _)| *n)) {
        message = format!("unknown field `{name}`; did you mean `{suggestion}`?");
    }
    let (line, column) = crate::error::line_column(text, at);
    Err(Error::new(
        ErrorKind::FormulaUnknownField,
        with_caret(text, line, column, &message),
    )
    .at(Location {
        line: Some(line),
        column: Some(column),
        ..Location::default()
    }))
}

fn syntax_error(text: &str, at: usize, message: &str) -> Error {
    let (line, column) = crate::error::line_column(text, at);
    Error::new(
        ErrorKind::FormulaSyntax,
        with_caret(text, line, column, message),
    )
    .at(Location {
        line: Some(line),
        column: Some(column),
        ..Location::default()
    })
}

/// The message, then the offending source line and a caret under the column.
fn with_caret(text: &str, line: u32, column: u32, message: &str) -> String {
    let source = text.lines().nth(line as usize - 1).unwrap_or("");
    let pad = " ".repeat(column as usize - 1);
    format!("{message}\n  {source}\n  {pad}^")
}

/// The candidate closest to `name` within two edits, for "did you mean" hints.
pub(crate) fn suggest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|c| (c, edit_distance(c, name)))
        .filter(|(_, distance)| *distance <= 2)
        .min_by_key(|(_, distance)| *distance)
        .map(|(c, _)| c)
}

/// Levenshtein distance, for "did you mean" hints on short names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

fn lex(text: &str) -> Result<Vec<(Token, usize)>> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(at, c)) = chars.peek() {
        let two =
            |second: char, token: Token, chars: &mut std::iter::Peekable<std::str::CharIndices>| {
                chars.next();
                if chars.peek().map(|&(_, c)| c) == Some(second) {
                    chars.next();
                    Ok(token)
                } else {
                    Err(syntax_error(text, at, &format!("expected `{c}{second}`")))
                }
            };
        let token = match c {
            c if c.is_whitespace() => {
                chars.next();
                continue;
            }
            '(' => {
                chars.next();
                Token::Open
            }
            ')' => {
                chars.next();
                Token::Close
            }
            '=' => two('=', Token::Equal, &mut chars)?,
            '&' => two('&', Token::And, &mut chars)?,
            '|' => two('|', Token::Or, &mut chars)?,
            '!' => {
                chars.next();
                if chars.peek().map(|&(_, c)| c) == Some('=') {
                    chars.next();
                    Token::NotEqual
                } else {
                    Token::Not
                }
            }
            '"' | '\'' => {
                chars.next();
                let mut value = String::new();
                loop {
                    match chars.next() {
                        Some((_, q)) if q == c => break,
                        Some((_, '\\')) => match chars.next() {
                            Some((_, e @ ('\\' | '"' | '\''))) => value.push(e),
                            Some((_, 'n')) => value.push('\n'),
                            Some((escape_at, _)) => {
                                return Err(syntax_error(text, escape_at, "unknown escape"));
                            }
                            None => return Err(syntax_error(text, at, "unterminated string")),
                        },
                        Some((_, other)) => value.push(other),
                        None => return Err(syntax_error(text, at, "unterminated string")),
                    }
                }
                Token::Text(value)
            }
            c if c.is_ascii_digit() || c == '-' => {
                let mut end = at;
                while let Some(&(i, d)) = chars.peek() {
                    if d.is_ascii_digit() || d == '.' || (i == at && d == '-') {
                        end = i + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                let number = Decimal::from_str(&text[at..end])
                    .map_err(|_| syntax_error(text, at, "not a number"))?;
                Token::Number(number)
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut end = at;
                while let Some(&(i, d)) = chars.peek() {
                    if d.is_alphanumeric() || d == '_' || d == '.' {
                        end = i + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                Token::Ident(text[at..end].to_owned())
            }
            other => {
                return Err(syntax_error(
                    text,
                    at,
                    &format!("unexpected character `{other}`"),
                ));
            }
        };
        tokens.push((token, at));
    }
    tokens.push((Token::End, text.len()));
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> FactTable {
        FactTable::from_json(
            r#"[
            {"id": "1", "kind": "order", "status": "won", "date": "2026-01-01"},
            {"id": "2", "kind": "order", "status": "lost", "date": "2026-01-01"},
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
            .filter(|&r| compiled.matches(&facts, r))
            .collect()
    }

    #[test]
    fn equality_and_boolean_operators() {
        assert_eq!(rows(r#"kind == "order" && status == "won""#), [0]);
        assert_eq!(rows(r#"kind == 'order' && status != "won""#), [1, 2]);
        assert_eq!(rows(r#"status == "won" || attributes.score == 5"#), [0, 3]);
        assert_eq!(rows(r#"!(kind == "order")"#), [3, 4]);
        assert_eq!(rows(r#"kind == "deal""#), Vec::<usize>::new());
        assert_eq!(rows(r#"kind != "deal""#), [0, 1, 2, 3, 4]);
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
            "kind == 5",
            "&& kind == \"a\"",
        ] {
            assert_eq!(
                Filter::parse(bad).unwrap_err().code(),
                "formula.syntax",
                "{bad}"
            );
        }
    }

    #[test]
    fn hostile_input_is_refused_not_overflowed() {
        let deep = format!("{}kind == \"a\"{}", "(".repeat(100), ")".repeat(100));
        assert_eq!(Filter::parse(&deep).unwrap_err().code(), "formula.syntax");
        let nested_not = format!("{}kind == \"a\"", "!".repeat(1000));
        assert_eq!(
            Filter::parse(&nested_not).unwrap_err().code(),
            "formula.syntax"
        );
    }
}
