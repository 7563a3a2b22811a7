/**
 * Observable Plot in the book's widgets: one place that gives every plot the page
 * theme's colours (pitfalls #8: tooltips use --plot-background, white by default),
 * a text alternative for screen readers, and a redraw when the reader switches theme.
 */
import * as Plot from '@observablehq/plot';

export { Plot };

export interface ThemedPlotOptions {
  /** Text alternative: what the plot shows, in words (its key numbers where useful). */
  description: string;
}

/** Colours of the current theme, read from the CSS custom properties. */
export function themeColors() {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string) => style.getPropertyValue(name).trim();
  return {
    fg: v('--fg'), muted: v('--fg-muted'), bg: v('--bg'), border: v('--border'),
    accent: v('--accent'), signal: v('--signal'), background: v('--background-color'),
    ok: v('--ok'), warn: v('--warn'), error: v('--error'),
  };
}

/**
 * Render `make()` into `container`, replacing what was there, and redraw on theme change.
 * Returns a function that redraws (call it when the widget's data change).
 */
export function mountPlot(
  container: HTMLElement,
  make: (colors: ReturnType<typeof themeColors>, width: number) => Plot.PlotOptions,
  { description }: ThemedPlotOptions | { description: () => string },
): () => void {
  const draw = () => {
    const colors = themeColors();
    const width = Math.max(280, Math.min(container.clientWidth || 640, 760));
    const options = make(colors, width);
    const figure = Plot.plot({
      width,
      ...options,
      style: { background: colors.bg, color: colors.fg, fontSize: '12px', overflow: 'visible', ...(typeof options.style === 'object' ? options.style : {}) },
    });
    const text = typeof description === 'function' ? description() : description;
    figure.setAttribute('role', 'img');
    figure.setAttribute('aria-label', text);
    // Plot names its marks with aria-label on <g> elements, which ARIA prohibits there (axe:
    // aria-prohibited-attr); the text alternative above describes the plot. Keep the names as
    // data-mark for styling and tests.
    figure.querySelectorAll('[aria-label]').forEach((node) => {
      node.setAttribute('data-mark', node.getAttribute('aria-label') ?? '');
      node.removeAttribute('aria-label');
    });
    container.replaceChildren(figure);
  };
  draw();
  window.addEventListener('nn4hep:theme', draw);
  return draw;
}
