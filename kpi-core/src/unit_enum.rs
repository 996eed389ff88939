//! Unit enums read by the names they are written with, through one shared reader.
//!
//! serde's derive gives every enum its own reader (an identifier visitor, variant access
//! and their instances), about 1.8 KB of the browser module each; `by_name!` reads the
//! name as text and finds it in a table, with serde's `unknown variant` message. A leaf,
//! so that every module can use it.

use serde::{Deserialize, Deserializer};

/// The position of a unit variant read by its name among `accepted` (the names, then
/// any aliases); an unknown name is serde's `unknown variant` error listing `names`.
/// Generic over the reader only, so every enum read by name shares one copy.
pub(crate) fn variant<'de, D: Deserializer<'de>>(
    deserializer: D,
    accepted: &[&str],
    names: &'static [&'static str],
) -> Result<usize, D::Error> {
    use serde::de::Error as _;
    let name = String::deserialize(deserializer)?;
    accepted
        .iter()
        .position(|n| *n == name)
        .ok_or_else(|| D::Error::unknown_variant(&name, names))
}

/// `Deserialize` for a unit enum by the names it is written with (what serde's derive
/// reads, with one shared reader instead of a copy per enum: `variant`):
/// `by_name!(Unit { "number" => Number, "money" => Money })`, with `aliases { "even" =>
/// Equal }` after the names when older names are still read.
macro_rules! by_name {
    ($ty:ident { $($name:literal => $variant:ident),+ $(,)? }
     $(aliases { $($alias:literal => $aliased:ident),+ $(,)? })?) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> std::result::Result<Self, D::Error> {
                const NAMES: &[&str] = &[$($name),+];
                let accepted: &[&str] = &[$($name),+ $($(, $alias)+)?];
                let values = [$($ty::$variant),+ $($(, $ty::$aliased)+)?];
                crate::unit_enum::variant(deserializer, accepted, NAMES).map(|i| values[i])
            }
        }
    };
}
pub(crate) use by_name;
