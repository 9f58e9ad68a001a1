use geo_types::{MultiPolygon, Point};

use super::Category;

/// Where a venue is measured to.
#[derive(Debug, Clone, PartialEq)]
pub enum Footprint {
    /// Its door (or its geocoded address) as a point.
    Door(Point<f64>),
    /// Its premises' footprint: distance is to the nearest edge.
    Area(MultiPolygon<f64>),
}

/// A venue's attributes, as a reader or a generator puts them together (see [`Venue::new`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VenueText {
    pub id: String,
    pub name: String,
    /// 统一社会信用代码 / licence number.
    pub licence: Option<String>,
    pub address: Option<String>,
    /// 经营范围: the business-scope text.
    pub scope: Option<String>,
    /// Registry status (存续, 在业, 注销 …), as given.
    pub status: Option<String>,
}

/// A registered business or a mapped venue.
///
/// Its texts are kept together in one allocation (a province holds millions of venues: one allocation
/// and 64 bytes each instead of six and 176); read them with [`Venue::id`], [`Venue::name`] and the
/// other accessors.
#[derive(Debug, Clone, PartialEq)]
pub struct Venue {
    /// id, name, licence, address, scope and status, one after the other.
    text: Box<str>,
    /// Where each text but the last ends in `text`.
    ends: [u32; 5],
    /// Which of the four optional texts are present (bit 0: licence … bit 3: status).
    present: u8,
    pub category: Category,
    pub footprint: Footprint,
}

impl Venue {
    /// A venue from its texts.
    pub fn new(t: VenueText, category: Category, footprint: Footprint) -> Venue {
        let optional = [&t.licence, &t.address, &t.scope, &t.status].map(|o| o.as_deref());
        Venue::from_parts(&t.id, &t.name, optional, category, footprint)
    }

    /// A venue from its id, name and optional texts (licence, address, scope, status). Texts longer
    /// than 4 GiB together are cut (no real record comes near).
    pub fn from_parts(
        id: &str,
        name: &str,
        optional: [Option<&str>; 4],
        category: Category,
        footprint: Footprint,
    ) -> Venue {
        let len = id.len() + name.len() + optional.iter().flatten().map(|s| s.len()).sum::<usize>();
        let mut text = String::with_capacity(len);
        let mut ends = [0u32; 5];
        let mut present = 0u8;
        let end = |s: &String| u32::try_from(s.len()).unwrap_or(u32::MAX);
        text.push_str(id);
        ends[0] = end(&text);
        text.push_str(name);
        ends[1] = end(&text);
        for (k, o) in optional.iter().enumerate() {
            if let Some(s) = o {
                text.push_str(s);
                present |= 1 << k;
            }
            if k < 3 {
                ends[2 + k] = end(&text);
            }
        }
        Venue {
            text: text.into_boxed_str(),
            ends,
            present,
            category,
            footprint,
        }
    }

    /// Replaces the texts.
    pub fn set_text(&mut self, t: VenueText) {
        let footprint =
            std::mem::replace(&mut self.footprint, Footprint::Door(Point::new(0.0, 0.0)));
        *self = Venue::new(t, self.category, footprint);
    }

    /// The `k`-th text (0: id, 1: name, 2–5: licence, address, scope, status).
    fn part(&self, k: usize) -> &str {
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        let end = self.ends.get(k).map_or(self.text.len(), |&e| e as usize);
        self.text.get(start..end).unwrap_or("")
    }

    fn optional(&self, k: usize) -> Option<&str> {
        (self.present & (1 << k) != 0).then(|| self.part(2 + k))
    }

    /// The texts' one allocation as bytes (id, name and the optional texts back to back), e.g. to
    /// prefetch it.
    pub fn text_bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    pub fn id(&self) -> &str {
        self.part(0)
    }

    pub fn name(&self) -> &str {
        self.part(1)
    }

    /// 统一社会信用代码 / licence number.
    pub fn licence(&self) -> Option<&str> {
        self.optional(0)
    }

    pub fn address(&self) -> Option<&str> {
        self.optional(1)
    }

    /// 经营范围: the business-scope text.
    pub fn scope(&self) -> Option<&str> {
        self.optional(2)
    }

    /// Registry status (存续, 在业, 注销 …), as given.
    pub fn status(&self) -> Option<&str> {
        self.optional(3)
    }

    /// The texts, apart.
    pub fn text(&self) -> VenueText {
        let own = |o: Option<&str>| o.map(str::to_string);
        VenueText {
            id: self.id().to_string(),
            name: self.name().to_string(),
            licence: own(self.licence()),
            address: own(self.address()),
            scope: own(self.scope()),
            status: own(self.status()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_back_as_given() {
        let door = Footprint::Door(Point::new(112.5, 33.5));
        let full = VenueText {
            id: "V1".into(),
            name: "星空网吧".into(),
            licence: Some("92410205MA224W1JDG".into()),
            address: Some("建设路202号".into()),
            scope: Some("互联网上网服务".into()),
            status: Some("存续".into()),
        };
        let v = Venue::new(full.clone(), Category::InternetCafe, door.clone());
        assert_eq!(
            (
                v.id(),
                v.name(),
                v.licence(),
                v.address(),
                v.scope(),
                v.status()
            ),
            (
                "V1",
                "星空网吧",
                Some("92410205MA224W1JDG"),
                Some("建设路202号"),
                Some("互联网上网服务"),
                Some("存续")
            )
        );
        assert_eq!(v.text(), full);
        // Absent and empty texts stay apart; every combination of present ones comes back.
        for mask in 0..16u8 {
            let pick = |k: u8, s: &str| (mask & (1 << k) != 0).then(|| s.to_string());
            let t = VenueText {
                id: String::new(),
                name: "n".into(),
                licence: pick(0, ""),
                address: pick(1, "a"),
                scope: pick(2, "sc"),
                status: pick(3, ""),
            };
            assert_eq!(
                Venue::new(t.clone(), Category::Other, door.clone()).text(),
                t
            );
        }
        assert_eq!(std::mem::size_of::<Venue>(), 64);
    }
}
