//! The sales organisation: teams, the members in them, and the scopes a goal can apply to.

use std::borrow::Cow;

use chrono::NaiveDate;
use hashbrown::HashSet;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};

/// A stint's measures key (see [`Org::stint_keys`]): borrowed from the member's id for a
/// first stint, written out (`id~2`) for a later one.
pub(crate) type StintKey<'a> = Cow<'a, str>;

/// The id of the scope that collects facts whose owner is missing or not in the org.
/// It is reserved: no team or member may use it.
pub const UNASSIGNED: &str = "unassigned";

/// A sales team (团队).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Team {
    /// Stable id, used in facts and goals.
    pub id: String,
    /// Display name, in any language (`华东`).
    pub name: String,
    /// The display name in each locale (`names = { en = "Revenue" }`), next to `name`:
    /// reports in a locale use it, then `name`, then the id.
    #[serde(default, skip_serializing_if = "crate::text::Names::is_empty")]
    #[cfg_attr(
        feature = "typescript",
        tsify(type = "Record<string, string>", optional)
    )]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeMap<String, String>")
    )]
    pub names: crate::text::Names,
}

/// A sales rep or manager in one team, for a span of dates.
///
/// A member who moves between teams appears once per team, with the dates of each stint:
///
/// ```toml
/// members = [
///   { id = "li.si", name = "李四", team = "east",  until = "2026-07-01" },
///   { id = "li.si", name = "李四", team = "north", from = "2026-07-01" },
/// ]
/// ```
///
/// A fact credits the member who owned it on the fact's date, in the team they were in
/// then; a fact dated outside every stint of its owner counts as `unassigned`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Member {
    /// Stable id, as it appears in the `owner` field of facts.
    pub id: String,
    /// Display name (`张三`).
    pub name: String,
    /// The id of the member's team.
    pub team: String,
    /// The first day in this team; from the beginning of time when omitted.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::hand_schemas::Date>")
    )]
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::period::date_text::option"
    )]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    pub from: Option<NaiveDate>,
    /// The first day no longer in this team (exclusive); open-ended when omitted.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::hand_schemas::Date>")
    )]
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::period::date_text::option"
    )]
    #[cfg_attr(feature = "typescript", tsify(type = "string", optional))]
    pub until: Option<NaiveDate>,
}

impl Member {
    /// Whether this stint covers `date`.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= date) && self.until.is_none_or(|u| date < u)
    }

    /// Whether this stint overlaps `[start, end)`.
    pub fn overlaps(&self, start: NaiveDate, end: NaiveDate) -> bool {
        self.from.is_none_or(|f| f < end) && self.until.is_none_or(|u| start < u)
    }

    /// `from` is a supported day, and `until` (exclusive, like a period's end) is one or
    /// the day after, at most 9999-12-31: `period.out_of_range` otherwise.
    fn check_dates(&self, i: usize) -> Result<()> {
        if let Some(from) = self.from {
            crate::period::check_date(from)
                .map_err(|e| e.at_path(format!("org.members[{i}].from")))?;
        }
        if let Some(until) = self.until {
            crate::period::check_end(until)
                .map_err(|e| e.at_path(format!("org.members[{i}].until")))?;
        }
        Ok(())
    }
}

/// The org chart of a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Org {
    /// The teams, in display order.
    #[serde(default)]
    pub teams: Vec<Team>,
    /// The members, in display order.
    #[serde(default)]
    pub members: Vec<Member>,
    /// Members' leaves, for goals whose targets are prorated by them
    /// (`prorate = ["leave"]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub leaves: Vec<Leave>,
}

/// A member's leave (休假), under `org.leaves`: the days from `from` until `until`
/// (exclusive, like a stint's) count as none in the targets of goals with
/// `prorate = ["leave"]`.
///
/// ```toml
/// leaves = [{ member = "li.si", from = "2026-05-04", until = "2026-05-18", reason = "parental leave" }]
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Leave {
    /// The member's id.
    pub member: String,
    /// The first day of the leave.
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Date"))]
    #[serde(deserialize_with = "crate::period::date_text::deserialize")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub from: NaiveDate,
    /// The first day back (exclusive).
    #[cfg_attr(feature = "schema", schemars(with = "crate::hand_schemas::Date"))]
    #[serde(deserialize_with = "crate::period::date_text::deserialize")]
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub until: NaiveDate,
    /// Why, for the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub reason: Option<String>,
}

/// The kind of entity a goal or a scorecard row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum ScopeKind {
    /// The whole company: every fact, assigned or not.
    Company,
    /// One team: the facts of its members.
    Team,
    /// One member: the facts they own.
    Member,
    /// One value of a fact field, such as a region, a product line or a channel (the
    /// goal's `dimension` names the field).
    Dimension,
}

crate::shape::by_name!(ScopeKind { "company" => Company, "team" => Team, "member" => Member, "dimension" => Dimension });

impl ScopeKind {
    /// The lowercase name used in plans and reports: `company`, `team` or `member`.
    pub const fn name(self) -> &'static str {
        match self {
            ScopeKind::Company => "company",
            ScopeKind::Team => "team",
            ScopeKind::Member => "member",
            ScopeKind::Dimension => "dimension",
        }
    }
}

impl Org {
    /// Checks ids are unique, not reserved, and that every member's team exists.
    pub fn validate(&self) -> Result<()> {
        let mut team_ids = HashSet::new();
        for (i, team) in self.teams.iter().enumerate() {
            check_id(&team.id, || format!("org.teams[{i}].id"))?;
            if !team_ids.insert(team.id.as_str()) {
                return Err(Error::new(
                    ErrorKind::PlanDuplicateId,
                    format!("team id `{}` is used twice", team.id),
                )
                .at_path(format!("org.teams[{i}].id")));
            }
        }
        // Earlier stints by member id: overlap checks compare a member's own stints only,
        // so validating stays linear in the size of the org (plans are checked often).
        // The first stint of each member id; the stints of ids seen more than once.
        let mut first: hashbrown::HashMap<&str, &Member> =
            hashbrown::HashMap::with_capacity(self.members.len());
        let mut stints: hashbrown::HashMap<&str, Vec<&Member>> = hashbrown::HashMap::new();
        for (i, member) in self.members.iter().enumerate() {
            check_id(&member.id, || format!("org.members[{i}].id"))?;
            member.check_dates(i)?;
            if let (Some(from), Some(until)) = (member.from, member.until)
                && until <= from
            {
                return Err(Error::new(
                    ErrorKind::PlanInvalid,
                    format!("`until` ({until}) must come after `from` ({from})"),
                )
                .at_path(format!("org.members[{i}].until")));
            }
            // Stints of one member must not overlap: a fact would credit two teams.
            let overlapping = match first.entry(member.id.as_str()) {
                hashbrown::hash_map::Entry::Vacant(entry) => {
                    entry.insert(member);
                    false
                }
                hashbrown::hash_map::Entry::Occupied(entry) => {
                    let earlier = stints
                        .entry(member.id.as_str())
                        .or_insert_with(|| vec![*entry.get()]);
                    let overlapping = earlier.iter().any(|other| {
                        other.overlaps(
                            member.from.unwrap_or(NaiveDate::MIN),
                            member.until.unwrap_or(NaiveDate::MAX),
                        )
                    });
                    earlier.push(member);
                    overlapping
                }
            };
            if overlapping {
                return Err(Error::new(
                    ErrorKind::PlanDuplicateId,
                    format!(
                        "member `{}` appears twice for the same dates; give each stint `from` and `until` dates that do not overlap",
                        member.id
                    ),
                )
                .at_path(format!("org.members[{i}].id")));
            }
            if !team_ids.contains(member.team.as_str()) {
                return Err(Error::new(
                    ErrorKind::PlanUnknownTeam,
                    format!(
                        "member `{}` is in team `{}`, which org.teams does not define",
                        member.id, member.team
                    ),
                )
                .at_path(format!("org.members[{i}].team")));
            }
        }
        self.check_leaves(&first, &stints)
    }

    /// Each leave is a known member's, from a day to a later one, during one of their
    /// stints (a leave outside them all relieves nothing: a mistyped year, most likely).
    /// `first` has each member's first stint, `stints` all of those who have several.
    fn check_leaves(
        &self,
        first: &hashbrown::HashMap<&str, &Member>,
        stints: &hashbrown::HashMap<&str, Vec<&Member>>,
    ) -> Result<()> {
        for (i, leave) in self.leaves.iter().enumerate() {
            let at = |field: &str| format!("org.leaves[{i}].{field}");
            let Some(stint) = first.get(leave.member.as_str()) else {
                return Err(Error::new(
                    ErrorKind::PlanInvalid,
                    format!(
                        "`{}` is not a member of the org",
                        crate::decimal::shorten(&leave.member, 64)
                    ),
                )
                .at_path(at("member")));
            };
            crate::period::check_date(leave.from).map_err(|e| e.at_path(at("from")))?;
            crate::period::check_end(leave.until).map_err(|e| e.at_path(at("until")))?;
            if leave.until <= leave.from {
                return Err(Error::new(
                    ErrorKind::PlanInvalid,
                    format!(
                        "`until` ({}) must come after `from` ({}): it is the first day back",
                        leave.until, leave.from
                    ),
                )
                .at_path(at("until")));
            }
            let during = |m: &&Member| m.overlaps(leave.from, leave.until);
            let in_post = stints
                .get(leave.member.as_str())
                .map_or_else(|| during(stint), |all| all.iter().any(during));
            if !in_post {
                return Err(Error::new(
                    ErrorKind::PlanInvalid,
                    format!(
                        "the leave from {} until {} falls outside every stint of `{}`, so it would relieve nothing: check its dates",
                        leave.from,
                        leave.until,
                        crate::decimal::shorten(&leave.member, 64)
                    ),
                )
                .at_path(at("from")));
            }
        }
        Ok(())
    }

    /// The member with this id (their first stint).
    pub fn member(&self, id: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.id == id)
    }

    /// The key under which each stint's facts are measured, in `members` order: the
    /// member's id for their first stint, `id~2`, `id~3` … for later ones (so an org
    /// without moves measures by id). One pass, whatever the size of the org.
    pub fn stint_keys(&self) -> Vec<String> {
        self.stint_key_list()
            .into_iter()
            .map(Cow::into_owned)
            .collect()
    }

    /// [`Org::stint_keys`] as an evaluation uses them: a first stint's key is its
    /// member's id, borrowed rather than copied (an org of thousands is keyed on every
    /// evaluation).
    pub(crate) fn stint_key_list(&self) -> Vec<StintKey<'_>> {
        let mut seen: hashbrown::HashMap<&str, usize> =
            hashbrown::HashMap::with_capacity(self.members.len());
        self.members
            .iter()
            .map(|member| {
                let count = seen.entry(member.id.as_str()).or_insert(0);
                *count += 1;
                if *count == 1 {
                    Cow::Borrowed(member.id.as_str())
                } else {
                    Cow::Owned(format!("{}~{}", member.id, count))
                }
            })
            .collect()
    }

    /// Each member once (by their first stint), in org order, whose stints overlap
    /// `[start, end)`, with the keys of those stints. The shown stint is the latest one
    /// that overlaps (their team at the end of the period).
    pub fn members_in(&self, start: NaiveDate, end: NaiveDate) -> Vec<(&Member, Vec<String>)> {
        let keys = self.stint_key_list();
        self.members_in_keyed(&keys, start, end)
            .into_iter()
            .map(|(member, keys)| (member, keys.iter().map(|&k| k.to_owned()).collect()))
            .collect()
    }

    /// [`Org::members_in`] with the org's [`Org::stint_keys`] computed by the caller, who
    /// needs them more than once.
    pub(crate) fn members_in_keyed<'k>(
        &self,
        keys: &'k [StintKey<'_>],
        start: NaiveDate,
        end: NaiveDate,
    ) -> Vec<(&Member, KeyList<'k>)> {
        let mut out: Vec<(&Member, KeyList<'k>)> = Vec::with_capacity(self.members.len());
        let pairs = self.members.iter().zip(keys.iter().map(|key| &**key));
        // Every key its member's id: nobody has a second stint, so each stint is its own
        // member and nothing needs looking up.
        if self.members.len() == keys.len()
            && self.members.iter().zip(keys).all(|(m, k)| m.id == **k)
        {
            for (stint, key) in pairs.filter(|(stint, _)| stint.overlaps(start, end)) {
                out.push((stint, KeyList::One(key)));
            }
            return out;
        }
        let mut position: hashbrown::HashMap<&str, usize> =
            hashbrown::HashMap::with_capacity(self.members.len());
        for (stint, key) in pairs {
            if !stint.overlaps(start, end) {
                continue;
            }
            if let Some(&i) = position.get(stint.id.as_str()) {
                out[i].0 = stint;
                out[i].1.push(key);
            } else {
                position.insert(&stint.id, out.len());
                out.push((stint, KeyList::One(key)));
            }
        }
        out
    }

    /// The ids of the org's members (each once), to look many up.
    pub(crate) fn member_ids(&self) -> hashbrown::HashSet<&str> {
        self.members.iter().map(|m| m.id.as_str()).collect()
    }

    /// The team with this id.
    pub fn team(&self, id: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.id == id)
    }
}

/// Checks an id; `path` (built only for an error: plans are checked often) says where.
fn check_id(id: &str, path: impl FnOnce() -> String) -> Result<()> {
    let problem = if id.is_empty() {
        "an id cannot be empty".to_owned()
    } else if id.contains(['=', '~']) {
        format!("id `{id}` may not contain `=` or `~`, which measures keys use")
    } else if id == UNASSIGNED {
        format!("`{UNASSIGNED}` is reserved for facts whose owner is not in the org")
    } else {
        return Ok(());
    };
    Err(Error::new(ErrorKind::PlanInvalid, problem).at_path(path()))
}

/// The stint keys of one member (or scope): one, held inline, for the many who never
/// moved; a list otherwise. Reads as a slice of keys.
#[derive(Debug, Clone, Default)]
pub(crate) enum KeyList<'k> {
    /// No keys.
    #[default]
    None,
    /// One key.
    One(&'k str),
    /// Several keys.
    Many(Vec<&'k str>),
}

impl<'k> KeyList<'k> {
    /// The keys as a vector (moved, when there are several).
    pub(crate) fn into_vec(self) -> Vec<&'k str> {
        match self {
            KeyList::None => Vec::new(),
            KeyList::One(key) => vec![key],
            KeyList::Many(keys) => keys,
        }
    }

    /// Adds a key at the end.
    pub(crate) fn push(&mut self, key: &'k str) {
        *self = match std::mem::take(self) {
            KeyList::None => KeyList::One(key),
            KeyList::One(first) => KeyList::Many(vec![first, key]),
            KeyList::Many(mut keys) => {
                keys.push(key);
                KeyList::Many(keys)
            }
        };
    }
}

impl<'k> std::ops::Deref for KeyList<'k> {
    type Target = [&'k str];

    fn deref(&self) -> &[&'k str] {
        match self {
            KeyList::None => &[],
            KeyList::One(key) => std::slice::from_ref(key),
            KeyList::Many(keys) => keys,
        }
    }
}

impl<'k> From<Vec<&'k str>> for KeyList<'k> {
    fn from(keys: Vec<&'k str>) -> KeyList<'k> {
        KeyList::Many(keys)
    }
}
