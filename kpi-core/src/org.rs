//! The sales organisation: teams, the members in them, and the scopes a goal can apply to.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};

/// The id of the scope that collects facts whose owner is missing or not in the org.
/// It is reserved: no team or member may use it.
pub const UNASSIGNED: &str = "unassigned";

/// A sales team (团队).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Team {
    /// Stable id, used in facts and goals.
    pub id: String,
    /// Display name, in any language (`华东`).
    pub name: String,
}

/// A sales rep or manager, member of one team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Member {
    /// Stable id, as it appears in the `owner` field of facts.
    pub id: String,
    /// Display name (`张三`).
    pub name: String,
    /// The id of the member's team.
    pub team: String,
}

/// The org chart of a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Org {
    /// The teams, in display order.
    #[serde(default)]
    pub teams: Vec<Team>,
    /// The members, in display order.
    #[serde(default)]
    pub members: Vec<Member>,
}

/// The kind of entity a goal or a scorecard row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum ScopeKind {
    /// The whole company: every fact, assigned or not.
    Company,
    /// One team: the facts of its members.
    Team,
    /// One member: the facts they own.
    Member,
}

impl ScopeKind {
    /// The lowercase name used in plans and reports: `company`, `team` or `member`.
    pub const fn name(self) -> &'static str {
        match self {
            ScopeKind::Company => "company",
            ScopeKind::Team => "team",
            ScopeKind::Member => "member",
        }
    }
}

impl Org {
    /// Checks ids are unique, not reserved, and that every member's team exists.
    pub fn validate(&self) -> Result<()> {
        let mut team_ids = HashSet::new();
        for (i, team) in self.teams.iter().enumerate() {
            check_id(&team.id, &format!("org.teams[{i}].id"))?;
            if !team_ids.insert(team.id.as_str()) {
                return Err(Error::new(
                    ErrorKind::PlanDuplicateId,
                    format!("team id `{}` is used twice", team.id),
                )
                .at_path(format!("org.teams[{i}].id")));
            }
        }
        let mut member_ids = HashSet::new();
        for (i, member) in self.members.iter().enumerate() {
            check_id(&member.id, &format!("org.members[{i}].id"))?;
            if !member_ids.insert(member.id.as_str()) {
                return Err(Error::new(
                    ErrorKind::PlanDuplicateId,
                    format!("member id `{}` is used twice", member.id),
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
        Ok(())
    }

    /// The member with this id.
    pub fn member(&self, id: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.id == id)
    }

    /// The team with this id.
    pub fn team(&self, id: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.id == id)
    }
}

fn check_id(id: &str, path: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::new(ErrorKind::PlanInvalid, "an id cannot be empty").at_path(path));
    }
    if id == UNASSIGNED {
        return Err(Error::new(
            ErrorKind::PlanInvalid,
            format!("`{UNASSIGNED}` is reserved for facts whose owner is not in the org"),
        )
        .at_path(path));
    }
    Ok(())
}
