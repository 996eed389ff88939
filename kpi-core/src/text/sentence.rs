//! A report's sentences (a payout line's explanation, in English and Chinese), written
//! when first read.
//!
//! A payroll run prices thousands of lines whose sentences it never reads (it wants the
//! amounts); writing two sentences per line was a fifth of the report's time. A line's
//! two sentences share one draft: the figures they are written from, and the written
//! pair once either is read. Reading a [`Sentence`] is reading a `&str`, and it
//! serialises as one, so JSON, Python and JavaScript see the same text as before.

use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A sentence of a report: reads as `&str` (it derefs to one, compares with one and
/// displays as one), serialises as a plain string, and is written on first read when a
/// line was priced without writing it.
#[derive(Clone)]
pub struct Sentence(Repr);

#[derive(Clone)]
enum Repr {
    Written(String),
    /// One of the two sentences of a shared draft.
    Drafted(Arc<dyn Draft>, Language),
    /// A sentence with words in front (a component's name), joined when first read.
    Led(Arc<Led>),
}

struct Led {
    lead: String,
    sentence: Sentence,
    written: OnceLock<String>,
}

#[derive(Clone, Copy)]
enum Language {
    English,
    Chinese,
}

/// The figures a line's two sentences are written from, and the sentences once written.
trait Draft: Send + Sync {
    fn written(&self) -> &(String, String);
}

struct Pending<F> {
    write: F,
    written: OnceLock<(String, String)>,
}

impl<F: Fn() -> (String, String) + Send + Sync> Draft for Pending<F> {
    fn written(&self) -> &(String, String) {
        self.written.get_or_init(&self.write)
    }
}

impl Sentence {
    /// A line's English and Chinese sentences, written by `write` when either is first
    /// read (once: both are kept). `write` owns the figures it needs.
    pub(crate) fn drafted(
        write: impl Fn() -> (String, String) + Send + Sync + 'static,
    ) -> (Sentence, Sentence) {
        let draft: Arc<dyn Draft> = Arc::new(Pending {
            write,
            written: OnceLock::new(),
        });
        (
            Sentence(Repr::Drafted(Arc::clone(&draft), Language::English)),
            Sentence(Repr::Drafted(draft, Language::Chinese)),
        )
    }

    /// `lead` then this sentence (`Commission: ` + `3% on …`), joined when first read.
    pub(crate) fn led_by(self, lead: String) -> Sentence {
        Sentence(Repr::Led(Arc::new(Led {
            lead,
            sentence: self,
            written: OnceLock::new(),
        })))
    }

    /// The sentence's text (written now if it was not yet).
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Written(text) => text,
            Repr::Drafted(draft, Language::English) => &draft.written().0,
            Repr::Drafted(draft, Language::Chinese) => &draft.written().1,
            Repr::Led(led) => led
                .written
                .get_or_init(|| format!("{}{}", led.lead, led.sentence.as_str())),
        }
    }
}

impl std::ops::Deref for Sentence {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Sentence {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Default for Sentence {
    fn default() -> Self {
        Sentence(Repr::Written(String::new()))
    }
}

impl From<String> for Sentence {
    fn from(text: String) -> Self {
        Sentence(Repr::Written(text))
    }
}

impl From<&str> for Sentence {
    fn from(text: &str) -> Self {
        Sentence(Repr::Written(text.to_owned()))
    }
}

impl From<Sentence> for String {
    fn from(sentence: Sentence) -> Self {
        match sentence.0 {
            Repr::Written(text) => text,
            Repr::Drafted(..) | Repr::Led(..) => sentence.as_str().to_owned(),
        }
    }
}

impl fmt::Display for Sentence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Sentence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Sentence {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Sentence {}

impl PartialEq<str> for Sentence {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Sentence {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Sentence {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl Serialize for Sentence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Sentence {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Sentence::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn a_draft_is_written_once_on_first_read_and_reads_as_its_text() {
        let writes = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&writes);
        let (en, zh) = Sentence::drafted(move || {
            counter.fetch_add(1, Ordering::Relaxed);
            (
                "5% on 100.00 = 5.00".to_owned(),
                "100.00 按 5% = 5.00".to_owned(),
            )
        });
        let copy = zh.clone();
        assert_eq!(
            writes.load(Ordering::Relaxed),
            0,
            "nothing written before a read"
        );
        assert_eq!(en, "5% on 100.00 = 5.00");
        assert_eq!(&*zh, "100.00 按 5% = 5.00");
        assert_eq!(copy.to_string(), "100.00 按 5% = 5.00");
        assert_eq!(
            writes.load(Ordering::Relaxed),
            1,
            "both sentences from one writing"
        );
        assert_eq!(format!("{en:?}"), "\"5% on 100.00 = 5.00\"");
        assert_eq!(en, Sentence::from("5% on 100.00 = 5.00"));
        assert_ne!(en, zh);
    }

    #[test]
    fn sentences_serialise_as_plain_strings_drafted_or_written() {
        let (en, zh) = Sentence::drafted(|| ("paid".to_owned(), "已付".to_owned()));
        let json = serde_json::to_string(&[&en, &zh, &Sentence::from("given")]).unwrap();
        assert_eq!(json, r#"["paid","已付","given"]"#);
        let back: Vec<Sentence> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, vec![en, zh, Sentence::from("given")]);
        assert_eq!(String::from(back[1].clone()), "已付");
    }
}
