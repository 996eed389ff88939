//! [`Labels`]: what a report's ids are called in each locale.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::text::{Locale, Names};

/// An item's display names: its `name` (any language) and its names per locale.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Label {
    /// The item's `name`, in whatever language the plan wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub name: Option<String>,
    /// Its name per locale tag (`en`, `zh-CN`).
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    #[cfg_attr(
        feature = "typescript",
        tsify(type = "Record<string, string>", optional)
    )]
    pub names: Names,
}

impl Label {
    /// A label from an item's `name` and `names`; `None` when neither is given.
    pub fn of(name: Option<&str>, names: &Names) -> Option<Label> {
        (name.is_some() || !names.is_empty()).then(|| Label {
            name: name.map(str::to_owned),
            names: names.clone(),
        })
    }
}

/// The display names of the plan items a report names by id: metrics, goals,
/// incentives, their components and teams. Only items with a name are listed; the others are called by
/// their id. A report carries its labels (in JSON too), so it reads the same in every
/// locale wherever it is rendered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[cfg_attr(feature = "typescript", tsify(hashmap_as_object))]
pub struct Labels {
    /// Metric id → its label.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub metrics: BTreeMap<String, Label>,
    /// Goal id → its label.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub goals: BTreeMap<String, Label>,
    /// Incentive id → its label.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub incentives: BTreeMap<String, Label>,
    /// Team id → its label.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub teams: BTreeMap<String, Label>,
    /// Incentive component → its label, keyed by the incentive id, `#` and the
    /// component's position from 0 (`commission#0`): what a payout line's `incentive`
    /// and `component` point at ([`Labels::component_key`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub components: BTreeMap<String, Label>,
}

impl Labels {
    /// No names at all.
    pub const EMPTY: Labels = Labels {
        metrics: BTreeMap::new(),
        goals: BTreeMap::new(),
        incentives: BTreeMap::new(),
        teams: BTreeMap::new(),
        components: BTreeMap::new(),
    };

    /// Whether no item has a name.
    pub fn is_empty(&self) -> bool {
        self.metrics.is_empty()
            && self.goals.is_empty()
            && self.incentives.is_empty()
            && self.teams.is_empty()
            && self.components.is_empty()
    }

    /// Whether shared labels name nothing (for `skip_serializing_if`).
    pub fn are_empty(labels: &std::sync::Arc<Labels>) -> bool {
        labels.is_empty()
    }

    /// What a metric is called in `locale` (its id without a name).
    pub fn metric<'a>(&'a self, id: &'a str, locale: Locale) -> &'a str {
        pick(&self.metrics, id, locale)
    }

    /// What a goal is called in `locale`.
    pub fn goal<'a>(&'a self, id: &'a str, locale: Locale) -> &'a str {
        pick(&self.goals, id, locale)
    }

    /// What an incentive is called in `locale`.
    pub fn incentive<'a>(&'a self, id: &'a str, locale: Locale) -> &'a str {
        pick(&self.incentives, id, locale)
    }

    /// What a team is called in `locale`.
    pub fn team<'a>(&'a self, id: &'a str, locale: Locale) -> &'a str {
        pick(&self.teams, id, locale)
    }

    /// The key of component `position` of incentive `incentive` in
    /// [`Labels::components`]: `commission#0`.
    pub fn component_key(incentive: &str, position: usize) -> String {
        format!("{incentive}#{position}")
    }

    /// What a component is called in `locale`, if it has a name (components have no
    /// id to fall back on).
    pub fn component(&self, incentive: &str, position: usize, locale: Locale) -> Option<&str> {
        let label = self
            .components
            .get(&Labels::component_key(incentive, position))?;
        Some(
            label
                .names
                .get(locale)
                .or(label.name.as_deref())
                .unwrap_or_default(),
        )
        .filter(|name| !name.is_empty())
    }
}

fn pick<'a>(labels: &'a BTreeMap<String, Label>, id: &'a str, locale: Locale) -> &'a str {
    match labels.get(id) {
        Some(label) => label.names.pick(locale, label.name.as_deref(), id),
        None => id,
    }
}
