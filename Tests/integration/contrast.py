"""The contrast a sighted user gets from each visible, enabled button on the page as Chromium drew it:
its text colour against the background it is really painted on (its own, or the first opaque one
behind it), by the WCAG 2 formula. Disabled buttons are exempt in WCAG and skipped."""

BUTTON_CONTRASTS = """
const parse = (text) => {
  const parts = text.match(/rgba?\\(([^)]+)\\)/)[1].split(/[ ,\\/]+/).filter(Boolean).map(parseFloat);
  return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
};
const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
const behind = (element) => {
  const layers = [];
  for (let node = element; node; node = node.parentElement) {
    const colour = parse(getComputedStyle(node).backgroundColor);
    if (colour[3] > 0) { layers.push(colour); }
    if (colour[3] >= 1) { break; }
  }
  return layers.reverse().reduce((bottom, top) => over(top, bottom), [255, 255, 255, 1]);
};
const luminance = (c) => {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
};
return Array.from(document.querySelectorAll('button')).filter(b => {
  const box = b.getBoundingClientRect();
  return !b.disabled && box.width > 0 && box.height > 0 && getComputedStyle(b).visibility === 'visible';
}).map(b => {
  const ground = behind(b);
  const ink = over(parse(getComputedStyle(b).color), ground);
  const [light, dark] = [luminance(ink), luminance(ground)].sort((x, y) => y - x);
  return { button: (b.id || b.className || 'button') + ': ' + b.textContent.trim().slice(0, 30),
           ratio: Math.round((light + 0.05) / (dark + 0.05) * 100) / 100 };
});
"""


def low_contrast_buttons(browser, minimum=4.5):
    """The buttons whose text has less than `minimum`:1 contrast, and how much; none is the aim."""
    found = browser.execute_script(BUTTON_CONTRASTS)
    assert found, "no visible button to measure"
    return [f"{b['button']} {b['ratio']}:1" for b in found if b["ratio"] < minimum]
