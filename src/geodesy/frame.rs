use super::metres_per_degree;

/// An affine local frame: metres east and north of an origin, scaled by the ellipsoid's radii of
/// curvature at the origin's latitude.
///
/// Good for *finding* nearest points and for filtering (its distances are off by a relative
/// ≈ |φ − φ₀|·tan φ₀, about 1e-4 at 1 km from the origin at mid latitudes); re-measure what it finds with
/// [`super::ground_distance_m`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalFrame {
    pub lon0: f64,
    pub lat0: f64,
    /// Metres per degree of longitude at the origin.
    pub kx: f64,
    /// Metres per degree of latitude at the origin.
    pub ky: f64,
    /// |tan φ₀|, for the error bound.
    tan_lat0: f64,
    /// tan φ₀ / N(φ₀) (1/m): the scale of a geodesic's curvature in this frame.
    pub geodesic_curvature: f64,
}

impl LocalFrame {
    pub fn new(lon0: f64, lat0: f64) -> Self {
        let (ky, kx) = metres_per_degree(lat0);
        let phi = lat0.to_radians();
        let (_, n) = super::radii_of_curvature(phi.sin());
        LocalFrame {
            lon0,
            lat0,
            kx,
            ky,
            tan_lat0: phi.tan().abs(),
            geodesic_curvature: phi.tan() / n,
        }
    }

    /// Lon/lat degrees → local metres.
    #[inline]
    pub fn to_local(&self, lon: f64, lat: f64) -> (f64, f64) {
        ((lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky)
    }

    /// Local metres → lon/lat degrees (the exact inverse of [`Self::to_local`]).
    #[inline]
    pub fn to_lon_lat(&self, x: f64, y: f64) -> (f64, f64) {
        (self.lon0 + x / self.kx, self.lat0 + y / self.ky)
    }

    /// A conservative bound on the relative distance error of this frame for points within
    /// `reach_m` metres of its origin (used to decide which candidates to re-measure).
    pub fn relative_error_bound(&self, reach_m: f64) -> f64 {
        let dphi = reach_m / self.ky * std::f64::consts::PI / 180.0;
        2.0 * dphi * (self.tan_lat0 + dphi) + 1e-9
    }
}
