//! The formula language's lexer and parser: text in, a syntax tree with source offsets out.

use rust_decimal::Decimal;

use super::{MAX_DEPTH, MAX_LEN, MAX_NODES, error_at};
use crate::error::{ErrorKind, Result};

/// A parsed formula node, with the byte offset it starts at (for error locations).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub kind: NodeKind,
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeKind {
    Number(Decimal),
    Text(String),
    Bool(bool),
    Null,
    Name(String),
    Neg(Box<Node>),
    Not(Box<Node>),
    Binary(BinOp, Box<Node>, Box<Node>),
    /// `x in [a, b, …]`.
    In(Box<Node>, Vec<Node>),
    Call(String, Vec<Node>),
}

impl Node {
    /// Calls `visit` on this node and every node below it, parents first.
    pub(crate) fn walk(&self, visit: &mut impl FnMut(&Node)) {
        visit(self);
        match &self.kind {
            NodeKind::Neg(a) | NodeKind::Not(a) => a.walk(visit),
            NodeKind::Binary(_, a, b) => {
                a.walk(visit);
                b.walk(visit);
            }
            NodeKind::In(a, items) => {
                a.walk(visit);
                for item in items {
                    item.walk(visit);
                }
            }
            NodeKind::Call(_, args) => {
                for arg in args {
                    arg.walk(visit);
                }
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinOp {
    /// Whether this is `<`, `<=`, `>` or `>=`.
    pub(crate) fn is_ordering(self) -> bool {
        matches!(self, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge)
    }

    pub(crate) fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "&&",
            BinOp::Or => "||",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Text(String),
    Number(Decimal),
    Op(&'static str),
    End,
}

/// Parses formula text into a tree, enforcing the length, depth and node limits.
pub(crate) fn parse(text: &str) -> Result<Node> {
    if text.len() > MAX_LEN {
        return Err(error_at(
            ErrorKind::FormulaTooComplex,
            text,
            0,
            &format!(
                "the formula is {} bytes long; the limit is {MAX_LEN}",
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
        nodes: 0,
    };
    let node = parser.expr()?;
    if parser.peek() != &Token::End {
        return Err(parser.error("expected an operator or the end of the formula"));
    }
    Ok(node)
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<(Token, usize)>,
    next: usize,
    depth: usize,
    nodes: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.next].0
    }

    fn at(&self) -> usize {
        self.tokens[self.next].1
    }

    fn bump(&mut self) -> Token {
        let token = self.tokens[self.next].0.clone();
        if token != Token::End {
            self.next += 1;
        }
        token
    }

    fn eat(&mut self, op: &str) -> bool {
        if matches!(self.peek(), Token::Op(o) if *o == op) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn error(&self, message: &str) -> crate::error::Error {
        error_at(ErrorKind::FormulaSyntax, self.text, self.at(), message)
    }

    fn node(&mut self, kind: NodeKind, at: usize) -> Result<Node> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(error_at(
                ErrorKind::FormulaTooComplex,
                self.text,
                at,
                &format!("the formula has more than {MAX_NODES} parts"),
            ));
        }
        Ok(Node { kind, at })
    }

    fn expr(&mut self) -> Result<Node> {
        let at = self.at();
        self.nested(at, Self::or)
    }

    /// Runs `parse` one level deeper, refusing input that nests beyond `MAX_DEPTH` (so
    /// hostile input cannot overflow the stack).
    fn nested(&mut self, at: usize, parse: fn(&mut Self) -> Result<Node>) -> Result<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(error_at(
                ErrorKind::FormulaTooComplex,
                self.text,
                at,
                &format!("the formula nests deeper than {MAX_DEPTH}"),
            ));
        }
        let result = parse(self);
        self.depth -= 1;
        result
    }

    fn binary_level(
        &mut self,
        ops: &[(&'static str, BinOp)],
        operand: fn(&mut Self) -> Result<Node>,
    ) -> Result<Node> {
        let mut left = operand(self)?;
        'outer: loop {
            for (symbol, op) in ops {
                let at = self.at();
                if self.eat(symbol) {
                    let right = operand(self)?;
                    left = self.node(NodeKind::Binary(*op, Box::new(left), Box::new(right)), at)?;
                    continue 'outer;
                }
            }
            return Ok(left);
        }
    }

    fn or(&mut self) -> Result<Node> {
        self.binary_level(&[("||", BinOp::Or)], Self::and)
    }

    fn and(&mut self) -> Result<Node> {
        self.binary_level(&[("&&", BinOp::And)], Self::not)
    }

    fn not(&mut self) -> Result<Node> {
        let at = self.at();
        if self.eat("!") {
            let inner = self.nested(at, Self::not)?;
            return self.node(NodeKind::Not(Box::new(inner)), at);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Node> {
        let left = self.additive()?;
        let at = self.at();
        if matches!(self.peek(), Token::Ident(word) if word == "in") {
            self.bump();
            if !self.eat("[") {
                return Err(self.error("expected `[` after `in`"));
            }
            let mut items = Vec::new();
            if !self.eat("]") {
                loop {
                    items.push(self.additive()?);
                    if self.eat("]") {
                        break;
                    }
                    if !self.eat(",") {
                        return Err(self.error("expected `,` or `]`"));
                    }
                }
            }
            return self.node(NodeKind::In(Box::new(left), items), at);
        }
        for (symbol, op) in [
            ("==", BinOp::Eq),
            ("!=", BinOp::Ne),
            ("<=", BinOp::Le),
            (">=", BinOp::Ge),
            ("<", BinOp::Lt),
            (">", BinOp::Gt),
        ] {
            if self.eat(symbol) {
                let right = self.additive()?;
                return self.node(NodeKind::Binary(op, Box::new(left), Box::new(right)), at);
            }
        }
        Ok(left)
    }

    fn additive(&mut self) -> Result<Node> {
        self.binary_level(
            &[("+", BinOp::Add), ("-", BinOp::Sub)],
            Self::multiplicative,
        )
    }

    fn multiplicative(&mut self) -> Result<Node> {
        self.binary_level(&[("*", BinOp::Mul), ("/", BinOp::Div)], Self::unary)
    }

    fn unary(&mut self) -> Result<Node> {
        let at = self.at();
        if self.eat("-") {
            let inner = self.nested(at, Self::unary)?;
            return self.node(NodeKind::Neg(Box::new(inner)), at);
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Node> {
        let at = self.at();
        match self.bump() {
            Token::Number(n) => self.node(NodeKind::Number(n), at),
            Token::Text(t) => self.node(NodeKind::Text(t), at),
            Token::Op("(") => {
                let inner = self.expr()?;
                if !self.eat(")") {
                    return Err(self.error("expected `)`"));
                }
                Ok(inner)
            }
            Token::Ident(word) => match word.as_str() {
                "true" => self.node(NodeKind::Bool(true), at),
                "false" => self.node(NodeKind::Bool(false), at),
                "null" => self.node(NodeKind::Null, at),
                _ if self.eat("(") => {
                    let mut args = Vec::new();
                    if !self.eat(")") {
                        loop {
                            args.push(self.expr()?);
                            if self.eat(")") {
                                break;
                            }
                            if !self.eat(",") {
                                return Err(self.error("expected `,` or `)`"));
                            }
                        }
                    }
                    self.node(NodeKind::Call(word, args), at)
                }
                _ => self.node(NodeKind::Name(word), at),
            },
            Token::End => {
                self.next = self.next.min(self.tokens.len() - 1);
                Err(self.error("the formula ends too early: expected a value"))
            }
            Token::Op(_) => {
                self.next -= 1;
                Err(self.error("expected a value: a number, a string, a name, `(`, `!` or `-`"))
            }
        }
    }
}

const OPERATORS: [&str; 17] = [
    "==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "(", ")", "[", "]",
];

fn lex(text: &str) -> Result<Vec<(Token, usize)>> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().expect("in bounds");
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        if c == ',' {
            tokens.push((Token::Op(","), start));
            i += 1;
            continue;
        }
        if let Some(op) = OPERATORS.iter().find(|op| text[i..].starts_with(**op)) {
            tokens.push((Token::Op(op), start));
            i += op.len();
            continue;
        }
        if c == '"' || c == '\'' {
            let (value, end) = lex_string(text, i, c)?;
            tokens.push((Token::Text(value), start));
            i = end;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            while i < text.len()
                && (bytes[i].is_ascii_digit() || bytes[i] == b'.' || bytes[i] == b'_')
            {
                i += 1;
            }
            let digits: String = text[start..i].chars().filter(|c| *c != '_').collect();
            // Exactly as written: a literal that does not fit a decimal is an error, never
            // rounded.
            let number = crate::decimal::parse_exact(&digits)
                .map_err(|_| error_at(ErrorKind::FormulaSyntax, text, start, "not a number"))?;
            tokens.push((Token::Number(number), start));
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            while let Some(d) = text[i..].chars().next() {
                if d.is_alphanumeric() || d == '_' || d == '.' {
                    i += d.len_utf8();
                } else {
                    break;
                }
            }
            tokens.push((Token::Ident(text[start..i].to_owned()), start));
            continue;
        }
        let message = match c {
            '=' => "`=` is not an operator: compare with `==`".to_owned(),
            '&' => "expected `&&`".to_owned(),
            '|' => "expected `||`".to_owned(),
            other => format!("unexpected character `{other}`"),
        };
        return Err(error_at(ErrorKind::FormulaSyntax, text, start, &message));
    }
    tokens.push((Token::End, text.len()));
    Ok(tokens)
}

fn lex_string(text: &str, start: usize, quote: char) -> Result<(String, usize)> {
    let mut value = String::new();
    let mut chars = text[start + 1..].char_indices();
    while let Some((offset, c)) = chars.next() {
        let at = start + 1 + offset;
        match c {
            c if c == quote => return Ok((value, at + 1)),
            '\\' => match chars.next() {
                Some((_, e @ ('\\' | '"' | '\''))) => value.push(e),
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                _ => {
                    return Err(error_at(
                        ErrorKind::FormulaSyntax,
                        text,
                        at,
                        "unknown escape",
                    ));
                }
            },
            c => value.push(c),
        }
    }
    Err(error_at(
        ErrorKind::FormulaSyntax,
        text,
        start,
        "unterminated string",
    ))
}
