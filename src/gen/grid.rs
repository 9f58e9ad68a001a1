//! A uniform grid of bounding boxes over the generated extent (cells in degrees), used while generating
//! to keep campuses apart and to keep venues and water out of campuses.

use geo_types::{coord, Rect};

use super::Extent;

/// Bounding boxes (lon/lat degrees) indexed by the grid cells they touch.
#[derive(Debug, Clone)]
pub struct Grid {
    min_lon: f64,
    min_lat: f64,
    /// Cell size in degrees (the same in longitude and latitude).
    cell: f64,
    nx: usize,
    ny: usize,
    /// Box ids per cell while boxes are being added.
    cells: Vec<Vec<u32>>,
    /// The same, packed (`offsets` of length cells + 1 into `ids`) once [`Grid::freeze`] is called.
    packed: Option<(Vec<u32>, Vec<u32>)>,
    rects: Vec<Rect<f64>>,
    /// The owner's item number for each box (several boxes may belong to one item) and the box's
    /// part number within its item.
    owners: Vec<(u32, u16)>,
}

impl Grid {
    /// A grid over `extent` with square cells of `cell_deg` degrees.
    pub fn new(extent: Extent, cell_deg: f64) -> Grid {
        let nx = (((extent.max_lon - extent.min_lon) / cell_deg).ceil() as usize).max(1);
        let ny = (((extent.max_lat - extent.min_lat) / cell_deg).ceil() as usize).max(1);
        Grid {
            min_lon: extent.min_lon,
            min_lat: extent.min_lat,
            cell: cell_deg,
            nx,
            ny,
            cells: vec![Vec::new(); nx * ny],
            packed: None,
            rects: Vec::new(),
            owners: Vec::new(),
        }
    }

    fn cell_range(&self, r: &Rect<f64>) -> (usize, usize, usize, usize) {
        let clamp_x =
            |v: f64| (((v - self.min_lon) / self.cell).floor().max(0.0) as usize).min(self.nx - 1);
        let clamp_y =
            |v: f64| (((v - self.min_lat) / self.cell).floor().max(0.0) as usize).min(self.ny - 1);
        (
            clamp_x(r.min().x),
            clamp_x(r.max().x),
            clamp_y(r.min().y),
            clamp_y(r.max().y),
        )
    }

    /// The box ids of cell `i`.
    #[inline]
    fn cell(&self, i: usize) -> &[u32] {
        match &self.packed {
            Some((offsets, ids)) => &ids[offsets[i] as usize..offsets[i + 1] as usize],
            None => &self.cells[i],
        }
    }

    /// Packs the cells into two flat arrays: less memory and faster lookups once no more boxes come.
    pub fn freeze(&mut self) {
        if self.packed.is_some() {
            return;
        }
        let mut offsets = Vec::with_capacity(self.cells.len() + 1);
        let mut ids = Vec::with_capacity(self.cells.iter().map(Vec::len).sum());
        offsets.push(0u32);
        for c in &self.cells {
            ids.extend_from_slice(c);
            offsets.push(ids.len() as u32);
        }
        self.cells = Vec::new();
        self.packed = Some((offsets, ids));
    }

    /// Adds a box for part `part` of item `owner`.
    pub fn insert(&mut self, owner: u32, part: u16, rect: Rect<f64>) {
        if let Some((offsets, ids)) = self.packed.take() {
            self.cells = offsets
                .windows(2)
                .map(|w| ids[w[0] as usize..w[1] as usize].to_vec())
                .collect();
        }
        let id = self.rects.len() as u32;
        let (x0, x1, y0, y1) = self.cell_range(&rect);
        for y in y0..=y1 {
            for x in x0..=x1 {
                self.cells[y * self.nx + x].push(id);
            }
        }
        self.rects.push(rect);
        self.owners.push((owner, part));
    }

    /// True when `rect` overlaps a stored box.
    pub fn overlaps(&self, rect: &Rect<f64>) -> bool {
        let (x0, x1, y0, y1) = self.cell_range(rect);
        (y0..=y1).any(|y| {
            (x0..=x1).any(|x| {
                self.cell(y * self.nx + x).iter().any(|&id| {
                    let o = &self.rects[id as usize];
                    o.min().x <= rect.max().x
                        && rect.min().x <= o.max().x
                        && o.min().y <= rect.max().y
                        && rect.min().y <= o.max().y
                })
            })
        })
    }

    /// The owners of the boxes that overlap `rect` (an owner may repeat).
    pub fn owners_overlapping<'a>(&'a self, rect: &'a Rect<f64>) -> impl Iterator<Item = u32> + 'a {
        let (x0, x1, y0, y1) = self.cell_range(rect);
        (y0..=y1).flat_map(move |y| {
            (x0..=x1).flat_map(move |x| {
                self.cell(y * self.nx + x).iter().filter_map(move |&id| {
                    let o = &self.rects[id as usize];
                    (o.min().x <= rect.max().x
                        && rect.min().x <= o.max().x
                        && o.min().y <= rect.max().y
                        && rect.min().y <= o.max().y)
                        .then_some(self.owners[id as usize].0)
                })
            })
        })
    }

    /// The (owner, part) of the boxes that contain the point (lon, lat).
    pub fn parts_at(&self, lon: f64, lat: f64) -> impl Iterator<Item = (u32, u16)> + '_ {
        let r = Rect::new(coord! { x: lon, y: lat }, coord! { x: lon, y: lat });
        let (x0, _, y0, _) = self.cell_range(&r);
        self.cell(y0 * self.nx + x0).iter().filter_map(move |&id| {
            let o = &self.rects[id as usize];
            (o.min().x <= lon && lon <= o.max().x && o.min().y <= lat && lat <= o.max().y)
                .then_some(self.owners[id as usize])
        })
    }
}

/// The box around (lon, lat) reaching `margin_m` metres in every direction.
pub fn point_box(lon: f64, lat: f64, margin_m: f64) -> Rect<f64> {
    let (ky, kx) = crate::geodesy::metres_per_degree(lat);
    let (dx, dy) = (margin_m / kx, margin_m / ky);
    Rect::new(
        coord! { x: lon - dx, y: lat - dy },
        coord! { x: lon + dx, y: lat + dy },
    )
}

/// `rect` grown by `margin_m` metres on every side.
pub fn grow(rect: Rect<f64>, margin_m: f64) -> Rect<f64> {
    let (ky, kx) = crate::geodesy::metres_per_degree(rect.center().y);
    let (dx, dy) = (margin_m / kx, margin_m / ky);
    Rect::new(
        coord! { x: rect.min().x - dx, y: rect.min().y - dy },
        coord! { x: rect.max().x + dx, y: rect.max().y + dy },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_it_holds() {
        let extent = Extent {
            min_lon: 112.0,
            min_lat: 33.0,
            max_lon: 113.0,
            max_lat: 34.0,
        };
        let mut g = Grid::new(extent, 0.01);
        let r = Rect::new(
            coord! { x: 112.5, y: 33.5 },
            coord! { x: 112.515, y: 33.505 },
        );
        g.insert(7, 0, r);
        // Spans two cells in x: found from both.
        assert_eq!(
            g.parts_at(112.501, 33.501).collect::<Vec<_>>(),
            vec![(7, 0)]
        );
        assert_eq!(
            g.parts_at(112.514, 33.504).collect::<Vec<_>>(),
            vec![(7, 0)]
        );
        assert_eq!(g.parts_at(112.516, 33.504).count(), 0);
        assert!(g.overlaps(&Rect::new(
            coord! { x: 112.51, y: 33.49 },
            coord! { x: 112.52, y: 33.5 }
        )));
        assert!(!g.overlaps(&Rect::new(
            coord! { x: 112.52, y: 33.49 },
            coord! { x: 112.53, y: 33.5 }
        )));
        // Outside the extent: clamped to the border cells, no panic.
        assert_eq!(g.parts_at(200.0, -95.0).count(), 0);
        // Packed, the same answers; a later insert unpacks.
        g.freeze();
        assert_eq!(
            g.parts_at(112.514, 33.504).collect::<Vec<_>>(),
            vec![(7, 0)]
        );
        g.insert(
            8,
            1,
            Rect::new(
                coord! { x: 112.7, y: 33.7 },
                coord! { x: 112.701, y: 33.701 },
            ),
        );
        assert_eq!(
            g.parts_at(112.7005, 33.7005).collect::<Vec<_>>(),
            vec![(8, 1)]
        );
        assert_eq!(
            g.parts_at(112.514, 33.504).collect::<Vec<_>>(),
            vec![(7, 0)]
        );
    }
}
