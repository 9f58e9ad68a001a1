//! Connected components of the demand/candidate coverage graph: posts in one component never help
//! another, so each is solved on its own.

/// One component: global demand (row) and candidate (column) indices, both sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    pub rows: Vec<u32>,
    pub cols: Vec<u32>,
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let p = parent[parent[x as usize] as usize];
        parent[x as usize] = p;
        x = p;
    }
    x
}

/// The components of the rows that `active` keeps (rows with no column are left out), with the
/// columns that cover them. `rows[i]` lists the columns covering row `i`.
///
/// ```
/// use perimeter::posts::components::components;
/// // rows 0 and 1 share column 5; row 2 is alone with column 7; row 3 has no column.
/// let rows = vec![vec![5], vec![5, 6], vec![7], vec![]];
/// let c = components(&rows, |_| true);
/// assert_eq!(c.len(), 2);
/// assert_eq!((c[0].rows.clone(), c[0].cols.clone()), (vec![0, 1], vec![5, 6]));
/// assert_eq!((c[1].rows.clone(), c[1].cols.clone()), (vec![2], vec![7]));
/// ```
pub fn components(rows: &[Vec<u32>], active: impl Fn(usize) -> bool) -> Vec<Component> {
    let n = rows.len();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut owner: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
    for (i, cols) in rows.iter().enumerate() {
        if !active(i) {
            continue;
        }
        for &c in cols {
            match owner.get(&c) {
                None => {
                    owner.insert(c, i as u32);
                }
                Some(&o) => {
                    let (a, b) = (find(&mut parent, o), find(&mut parent, i as u32));
                    if a != b {
                        parent[a.max(b) as usize] = a.min(b);
                    }
                }
            }
        }
    }
    let mut slot: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    let mut out: Vec<Component> = Vec::new();
    for (i, cols) in rows.iter().enumerate() {
        if !active(i) || cols.is_empty() {
            continue;
        }
        let root = find(&mut parent, i as u32);
        let k = *slot.entry(root).or_insert_with(|| {
            out.push(Component {
                rows: Vec::new(),
                cols: Vec::new(),
            });
            out.len() - 1
        });
        out[k].rows.push(i as u32);
        out[k].cols.extend_from_slice(cols);
    }
    for c in &mut out {
        c.cols.sort_unstable();
        c.cols.dedup();
    }
    out
}

/// A component in local numbering: `rows[i]` the local columns covering local row `i`, `cols[j]` the
/// local rows column `j` covers, `weights[i]` row `i`'s weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Sub {
    pub rows: Vec<Vec<u32>>,
    pub cols: Vec<Vec<u32>>,
    pub weights: Vec<f64>,
}

impl Sub {
    /// From rows given in local column numbers (`ncols` columns).
    pub fn from_rows(rows: Vec<Vec<u32>>, ncols: usize, weights: Vec<f64>) -> Sub {
        let mut cols = vec![Vec::new(); ncols];
        for (i, r) in rows.iter().enumerate() {
            for &c in r {
                cols[c as usize].push(i as u32);
            }
        }
        Sub {
            rows,
            cols,
            weights,
        }
    }

    /// A component of the global problem (`rows[i]` global columns of global row `i`), renumbered.
    pub fn from_component(c: &Component, rows: &[Vec<u32>], weights: &[f64]) -> Sub {
        let local: std::collections::HashMap<u32, u32> = c
            .cols
            .iter()
            .enumerate()
            .map(|(k, &g)| (g, k as u32))
            .collect();
        let lrows: Vec<Vec<u32>> = c
            .rows
            .iter()
            .map(|&r| {
                let mut v: Vec<u32> = rows[r as usize].iter().map(|g| local[g]).collect();
                v.sort_unstable();
                v
            })
            .collect();
        let w = c.rows.iter().map(|&r| weights[r as usize]).collect();
        Sub::from_rows(lrows, c.cols.len(), w)
    }
}
