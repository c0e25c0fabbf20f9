//! The labels of a face and their display names.
//!
//! The codes are those of `age_gender.csv` and of UTKFace file names: gender 0 male, 1 female;
//! ethnicity 0 White, 1 Black, 2 Asian, 3 Indian, 4 Other.

use std::fmt;

/// The gender label of a face.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Gender {
    /// Code 0.
    Male,
    /// Code 1.
    Female,
}

impl Gender {
    /// Every gender, in code order.
    pub const ALL: [Gender; 2] = [Gender::Male, Gender::Female];

    /// The gender for a data-set code, if the code is known.
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(Gender::Male),
            1 => Some(Gender::Female),
            _ => None,
        }
    }

    /// The code written in `age_gender.csv`.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The name shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Gender::Male => "Male",
            Gender::Female => "Female",
        }
    }
}

/// The ethnicity label of a face, as UTKFace defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ethnicity {
    /// Code 0.
    White,
    /// Code 1.
    Black,
    /// Code 2.
    Asian,
    /// Code 3.
    Indian,
    /// Code 4: everyone else (Hispanic, Latino, Middle Eastern, ...).
    Other,
}

impl Ethnicity {
    /// Every ethnicity, in code order.
    pub const ALL: [Ethnicity; 5] = [
        Ethnicity::White,
        Ethnicity::Black,
        Ethnicity::Asian,
        Ethnicity::Indian,
        Ethnicity::Other,
    ];

    /// The ethnicity for a data-set code, if the code is known.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.get(usize::from(code)).copied()
    }

    /// The code written in `age_gender.csv`.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The name shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Ethnicity::White => "White",
            Ethnicity::Black => "Black",
            Ethnicity::Asian => "Asian",
            Ethnicity::Indian => "Indian",
            Ethnicity::Other => "Other",
        }
    }
}

/// The oldest age a row may carry; UTKFace's oldest face is 116.
pub const MAX_AGE: u8 = 120;

/// The age bands used for statistics and per-group accuracy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AgeGroup {
    /// Ages 1 to 12 (a face labelled 0, a newborn, counts here too).
    Child,
    /// Ages 13 to 19.
    Teen,
    /// Ages 20 to 39.
    YoungAdult,
    /// Ages 40 to 59.
    MiddleAged,
    /// Ages 60 and over.
    Senior,
}

impl AgeGroup {
    /// Every age group, youngest first.
    pub const ALL: [AgeGroup; 5] = [
        AgeGroup::Child,
        AgeGroup::Teen,
        AgeGroup::YoungAdult,
        AgeGroup::MiddleAged,
        AgeGroup::Senior,
    ];

    /// The group an age in years falls into.
    pub fn of_age(age: u8) -> Self {
        match age {
            0..=12 => AgeGroup::Child,
            13..=19 => AgeGroup::Teen,
            20..=39 => AgeGroup::YoungAdult,
            40..=59 => AgeGroup::MiddleAged,
            _ => AgeGroup::Senior,
        }
    }

    /// The name shown to users, the range of years.
    pub fn name(self) -> &'static str {
        match self {
            AgeGroup::Child => "1-12",
            AgeGroup::Teen => "13-19",
            AgeGroup::YoungAdult => "20-39",
            AgeGroup::MiddleAged => "40-59",
            AgeGroup::Senior => "60+",
        }
    }

    /// The position of the group in [`AgeGroup::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Gender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Ethnicity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for AgeGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for g in Gender::ALL {
            assert_eq!(Gender::from_code(g.code()), Some(g));
        }
        for e in Ethnicity::ALL {
            assert_eq!(Ethnicity::from_code(e.code()), Some(e));
        }
        assert_eq!(Gender::from_code(2), None);
        assert_eq!(Ethnicity::from_code(5), None);
    }

    #[test]
    fn age_groups_have_the_documented_bounds() {
        let cases = [
            (1, "1-12"),
            (12, "1-12"),
            (13, "13-19"),
            (19, "13-19"),
            (20, "20-39"),
        ];
        for (age, name) in cases {
            assert_eq!(AgeGroup::of_age(age).name(), name);
        }
        assert_eq!(AgeGroup::of_age(39), AgeGroup::YoungAdult);
        assert_eq!(AgeGroup::of_age(40), AgeGroup::MiddleAged);
        assert_eq!(AgeGroup::of_age(59), AgeGroup::MiddleAged);
        assert_eq!(AgeGroup::of_age(60), AgeGroup::Senior);
        assert_eq!(AgeGroup::of_age(116), AgeGroup::Senior);
    }
}
