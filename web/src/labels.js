// Map labels without glyphs: symbol layers ask for an icon named "label:<text>"; when MapLibre misses
// one it asks the missing-image resolver, which draws the text on a canvas and adds it as an image.

/** Icon-name prefixes and the border colour of their box: findings, site-check lines. */
const PREFIXES = { 'label:': '#c62828', 'check:': '#212121' };

/** Draws `text` in a white rounded box; returns MapLibre image data at the device pixel ratio. */
function drawLabel(text, ratio, border) {
  const font = `600 ${12 * ratio}px system-ui, "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif`;
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  ctx.font = font;
  const padX = 5 * ratio;
  const height = Math.ceil(18 * ratio);
  const width = Math.ceil(ctx.measureText(text).width + 2 * padX);
  canvas.width = width;
  canvas.height = height;
  ctx.font = font;
  ctx.fillStyle = 'rgba(255,255,255,0.92)';
  ctx.strokeStyle = border;
  ctx.lineWidth = border === '#212121' ? 1.5 * ratio : ratio;
  const r = 4 * ratio;
  ctx.beginPath();
  ctx.roundRect(ratio / 2, ratio / 2, width - ratio, height - ratio, r);
  ctx.fill();
  ctx.stroke();
  ctx.fillStyle = '#202020';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, padX, height / 2 + ratio / 2);
  return { width, height, data: new Uint8Array(ctx.getImageData(0, 0, width, height).data.buffer) };
}

/** Lets symbol layers use `['concat', 'label:', text]` (or 'check:') as their icon-image. */
export function installLabelImages(map) {
  map.setMissingStyleImageResolver((id) => {
    const prefix = Object.keys(PREFIXES).find((p) => id.startsWith(p));
    if (!prefix || map.hasImage(id)) return;
    const ratio = Math.max(1, Math.round(window.devicePixelRatio || 1));
    map.addImage(id, drawLabel(id.slice(prefix.length), ratio, PREFIXES[prefix]), { pixelRatio: ratio });
  });
}
