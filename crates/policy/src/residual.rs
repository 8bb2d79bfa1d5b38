//! Residual conditions for partial evaluation.
//!
//! When a request context key is unknown, a condition on it can be neither true nor false.
//! The evaluator then carries the condition itself as an [`Atom`] inside a boolean
//! [`Expr`], combines the expressions of statements, policies and layers the way AWS
//! combines their results, and simplifies. What is left is the exact condition under which
//! access is allowed ("allowed if sts:ExternalId = abc and not aws:SourceIp in 10.0.0.0/8").

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::ast::Operator;

/// Something the evaluator could not decide.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Atom {
    /// A policy condition whose key is unknown in the request context.
    Condition {
        operator: String,
        key: String,
        values: Vec<String>,
    },
    /// A resource pattern whose policy variable is unknown (`arn:aws:s3:::b/${aws:username}`).
    Resource { pattern: String, resource: String },
    /// A fact the evaluator was told it cannot know (an external account's identity
    /// policies, a policy missing from the snapshot…). Treated as possibly true.
    Assumption { description: String },
}

impl Atom {
    pub fn condition(op: &Operator, key: &str, values: &[String]) -> Atom {
        Atom::Condition {
            operator: op.to_string(),
            key: key.to_string(),
            values: values.to_vec(),
        }
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Atom::Condition {
                operator,
                key,
                values,
            } => {
                write!(f, "{operator} {key} ")?;
                if values.len() == 1 {
                    write!(f, "{:?}", values[0])
                } else {
                    write!(f, "{values:?}")
                }
            }
            Atom::Resource { pattern, resource } => {
                write!(f, "resource {resource:?} matches {pattern:?}")
            }
            Atom::Assumption { description } => f.write_str(description),
        }
    }
}

/// A boolean expression over atoms. Constructors simplify constants away, so a fully known
/// evaluation never allocates beyond `True`/`False`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    True,
    False,
    Atom(Arc<Atom>),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

impl Expr {
    pub fn atom(a: Atom) -> Expr {
        Expr::Atom(Arc::new(a))
    }

    #[inline]
    pub fn from_bool(b: bool) -> Expr {
        if b {
            Expr::True
        } else {
            Expr::False
        }
    }

    #[inline]
    pub fn is_true(&self) -> bool {
        matches!(self, Expr::True)
    }
    #[inline]
    pub fn is_false(&self) -> bool {
        matches!(self, Expr::False)
    }
    /// Neither constant: depends on something unknown.
    #[inline]
    pub fn is_residual(&self) -> bool {
        !self.is_true() && !self.is_false()
    }

    // The evaluator combines thousands of constants per decision; these helpers keep that
    // inline and skip the (out-of-line) drop glue for values known to own nothing.

    /// Drops the value, calling the drop glue only when it owns something.
    #[inline]
    pub(crate) fn discard(self) {
        if self.is_residual() {
            drop(self)
        } else {
            std::mem::forget(self)
        }
    }

    /// A copy; free for constants.
    #[inline]
    pub(crate) fn dup(&self) -> Expr {
        match self {
            Expr::True => Expr::True,
            Expr::False => Expr::False,
            other => other.clone(),
        }
    }

    /// `self = self OR e`.
    #[inline]
    pub(crate) fn or_assign(&mut self, e: Expr) {
        if e.is_false() || self.is_true() {
            e.discard();
        } else if self.is_false() || e.is_true() {
            std::mem::replace(self, e).discard();
        } else {
            let old = std::mem::replace(self, Expr::False);
            *self = Expr::any([old, e]);
        }
    }

    /// `self = self AND e`.
    #[inline]
    pub(crate) fn and_assign(&mut self, e: Expr) {
        if e.is_true() || self.is_false() {
            e.discard();
        } else if self.is_true() || e.is_false() {
            std::mem::replace(self, e).discard();
        } else {
            let old = std::mem::replace(self, Expr::False);
            *self = Expr::all([old, e]);
        }
    }

    #[allow(clippy::should_implement_trait)]
    #[inline]
    pub fn not(self) -> Expr {
        match self {
            Expr::True => Expr::False,
            Expr::False => Expr::True,
            other => other.not_residual(),
        }
    }

    fn not_residual(self) -> Expr {
        match self {
            Expr::Not(inner) => *inner,
            other => Expr::Not(Box::new(other)),
        }
    }

    #[inline]
    pub fn and(mut self, other: Expr) -> Expr {
        self.and_assign(other);
        self
    }

    #[inline]
    pub fn or(mut self, other: Expr) -> Expr {
        self.or_assign(other);
        self
    }

    /// Conjunction of many; `True` when empty.
    pub fn all(items: impl IntoIterator<Item = Expr>) -> Expr {
        let mut out: Vec<Expr> = Vec::new();
        for e in items {
            match e {
                Expr::True => {}
                Expr::False => return Expr::False,
                Expr::And(inner) => {
                    for i in inner {
                        if !out.contains(&i) {
                            out.push(i);
                        }
                    }
                }
                other => {
                    if !out.contains(&other) {
                        out.push(other);
                    }
                }
            }
        }
        match out.len() {
            0 => Expr::True,
            1 => out.pop().unwrap(),
            _ => Expr::And(out),
        }
    }

    /// Disjunction of many; `False` when empty.
    pub fn any(items: impl IntoIterator<Item = Expr>) -> Expr {
        let mut out: Vec<Expr> = Vec::new();
        for e in items {
            match e {
                Expr::False => {}
                Expr::True => return Expr::True,
                Expr::Or(inner) => {
                    for i in inner {
                        if !out.contains(&i) {
                            out.push(i);
                        }
                    }
                }
                other => {
                    if !out.contains(&other) {
                        out.push(other);
                    }
                }
            }
        }
        match out.len() {
            0 => Expr::False,
            1 => out.pop().unwrap(),
            _ => Expr::Or(out),
        }
    }

    /// The distinct atoms the expression depends on.
    pub fn atoms(&self) -> Vec<Arc<Atom>> {
        let mut out = Vec::new();
        self.collect_atoms(&mut out);
        out
    }

    fn collect_atoms(&self, out: &mut Vec<Arc<Atom>>) {
        match self {
            Expr::Atom(a) if !out.iter().any(|x| x == a) => out.push(a.clone()),
            Expr::Atom(_) => {}
            Expr::Not(e) => e.collect_atoms(out),
            Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| e.collect_atoms(out)),
            _ => {}
        }
    }

    /// Disjunctive normal form: a list of alternatives, each a list of literals that must all
    /// hold. None when it would exceed `limit` alternatives (the expression is then reported
    /// as a whole).
    pub fn to_dnf(&self, limit: usize) -> Option<Vec<Vec<Literal>>> {
        match self {
            Expr::True => Some(vec![vec![]]),
            Expr::False => Some(vec![]),
            Expr::Atom(a) => Some(vec![vec![Literal {
                negated: false,
                atom: a.clone(),
            }]]),
            Expr::Not(inner) => match inner.as_ref() {
                Expr::Atom(a) => Some(vec![vec![Literal {
                    negated: true,
                    atom: a.clone(),
                }]]),
                Expr::Not(e) => e.to_dnf(limit),
                Expr::And(v) => Expr::any(v.iter().map(|e| e.clone().not())).to_dnf(limit),
                Expr::Or(v) => Expr::all(v.iter().map(|e| e.clone().not())).to_dnf(limit),
                Expr::True => Some(vec![]),
                Expr::False => Some(vec![vec![]]),
            },
            Expr::Or(v) => {
                let mut out = Vec::new();
                for e in v {
                    for clause in e.to_dnf(limit)? {
                        if !out.contains(&clause) {
                            out.push(clause);
                        }
                    }
                    if out.len() > limit {
                        return None;
                    }
                }
                Some(out)
            }
            Expr::And(v) => {
                let mut acc: Vec<Vec<Literal>> = vec![vec![]];
                for e in v {
                    let d = e.to_dnf(limit)?;
                    let mut next = Vec::new();
                    for a in &acc {
                        for b in &d {
                            let mut c = a.clone();
                            let mut contradictory = false;
                            for lit in b {
                                if c.iter()
                                    .any(|x| x.atom == lit.atom && x.negated != lit.negated)
                                {
                                    contradictory = true;
                                    break;
                                }
                                if !c.contains(lit) {
                                    c.push(lit.clone());
                                }
                            }
                            if !contradictory && !next.contains(&c) {
                                next.push(c);
                            }
                        }
                        if next.len() > limit {
                            return None;
                        }
                    }
                    acc = next;
                }
                Some(acc)
            }
        }
    }
}

/// An atom or its negation, as it appears in a DNF clause.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Literal {
    pub negated: bool,
    pub atom: Arc<Atom>,
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.negated {
            write!(f, "NOT ({})", self.atom)
        } else {
            write!(f, "{}", self.atom)
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::True => f.write_str("true"),
            Expr::False => f.write_str("false"),
            Expr::Atom(a) => write!(f, "{a}"),
            Expr::Not(e) => write!(f, "NOT ({e})"),
            Expr::And(v) | Expr::Or(v) => {
                let sep = if matches!(self, Expr::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                for (i, e) in v.iter().enumerate() {
                    if i > 0 {
                        f.write_str(sep)?;
                    }
                    if matches!(e, Expr::And(_) | Expr::Or(_)) {
                        write!(f, "({e})")?;
                    } else {
                        write!(f, "{e}")?;
                    }
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(n: &str) -> Expr {
        Expr::atom(Atom::Assumption {
            description: n.into(),
        })
    }

    #[test]
    fn constants_fold() {
        assert_eq!(Expr::True.and(a("x")), a("x"));
        assert_eq!(Expr::False.and(a("x")), Expr::False);
        assert_eq!(Expr::True.or(a("x")), Expr::True);
        assert_eq!(a("x").not().not(), a("x"));
        assert_eq!(Expr::all([]), Expr::True);
        assert_eq!(Expr::any([]), Expr::False);
    }

    #[test]
    fn dnf() {
        let e = a("x").or(a("y")).and(a("z").not());
        let d = e.to_dnf(16).unwrap();
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(|c| c.len() == 2));
        // x AND NOT x has no satisfying clause.
        assert_eq!(a("x").and(a("x").not()).to_dnf(16).unwrap().len(), 0);
        assert_eq!(e.to_string(), "(x OR y) AND NOT (z)");
    }
}
