// In-page checks for tests/a11y.py: reflow (WCAG 1.4.10), non-text contrast of controls
// (1.4.11), the focus indicator (2.4.7, and 2.4.13 of WCAG 2.2 for its size and contrast)
// and target size (2.5.8 of WCAG 2.2). Each check reads computed styles and layout as the
// browser has them now and returns a list of problems, each naming the element.
// Evaluated by Playwright as `page.evaluate(source, name)`.
(name) => {
  // --- Colour ------------------------------------------------------------------------------

  const parse = (value) => {
    const match = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(value);
    if (!match) {
      throw new Error(`colour not understood: ${value}`);
    }
    const [, r, g, b, a] = match;
    return { r: +r, g: +g, b: +b, a: a === undefined ? 1 : +a };
  };

  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });

  // The colour behind an element: its own background and its ancestors', composed down to
  // the first opaque one (the canvas is white). Background images are not read.
  const backgroundOf = (element) => {
    const layers = [];
    for (let node = element; node instanceof Element; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour.a > 0) {
        layers.push(colour);
      }
      if (colour.a === 1) {
        break;
      }
    }
    return layers.reduceRight((below, layer) => over(layer, below), { r: 255, g: 255, b: 255, a: 1 });
  };

  const luminance = ({ r, g, b }) => {
    const [lr, lg, lb] = [r, g, b].map((channel) => {
      const c = channel / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
  };

  const contrast = (foreground, background) => {
    const [light, dark] = [luminance(over(foreground, background)), luminance(background)].sort(
      (x, y) => y - x,
    );
    return (light + 0.05) / (dark + 0.05);
  };

  // --- Elements ----------------------------------------------------------------------------

  const describe = (element) => {
    const id = element.id ? `#${element.id}` : "";
    const classes = [...element.classList].slice(0, 3).map((c) => `.${c}`).join("");
    const type = element.getAttribute("type") ? `[type=${element.getAttribute("type")}]` : "";
    const text = (element.innerText || element.value || element.getAttribute("aria-label") || "")
      .trim()
      .replace(/\s+/g, " ")
      .slice(0, 40);
    return `<${element.tagName.toLowerCase()}${id}${classes}${type}> «${text}»`;
  };

  const shown = (element) => {
    const rect = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    // A visually hidden element (Bootstrap's .visually-hidden-focusable while unfocused) is
    // clipped to one pixel.
    return rect.width > 1 && rect.height > 1 && style.visibility === "visible";
  };

  const TARGETS = [
    "a[href]",
    "button",
    "input:not([type=hidden])",
    "select",
    "textarea",
    "summary",
    "[role=button]",
    // A scroll region takes the focus for the arrow keys, not a pointer's click.
    "[tabindex]:not([tabindex='-1']):not([role=region])",
  ].join(",");

  const targets = () =>
    [...document.querySelectorAll(TARGETS)].filter((element) => !element.disabled && shown(element));

  const accessibleName = (element) => {
    const ids = (element.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
    const labelled = ids.map((id) => document.getElementById(id)?.textContent || "").join(" ");
    return (labelled || element.getAttribute("aria-label") || "").trim();
  };

  // --- The checks --------------------------------------------------------------------------

  const checks = {
    // At this window's width nothing makes the page scroll sideways; what scrolls sideways
    // inside the page (a wide table) is a region a keyboard can reach, named for the reader.
    reflow() {
      const problems = [];
      const root = document.documentElement;
      if (root.scrollWidth > root.clientWidth) {
        // Whether a scrolling box holds the node: one on the chain of its containing blocks
        // (an absolutely positioned node escapes a box that is not positioned).
        const clipped = (node) => {
          let position = getComputedStyle(node).position;
          for (let up = node.parentElement; up && up !== document.body; up = up.parentElement) {
            const style = getComputedStyle(up);
            const positioned = style.position !== "static" || style.transform !== "none";
            const contains =
              position === "fixed" ? style.transform !== "none" : position !== "absolute" || positioned;
            if (contains) {
              if (style.overflowX !== "visible") {
                return true;
              }
              position = style.position;
            }
          }
          return false;
        };
        const beyond = (rect) => rect.right > root.clientWidth + 0.5;
        const wide = [...document.body.querySelectorAll("*")].filter(
          (node) => beyond(node.getBoundingClientRect()) && !clipped(node),
        );
        // A long word overflows the box that holds it: name that box.
        const words = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        const range = document.createRange();
        for (let text = words.nextNode(); text; text = words.nextNode()) {
          range.selectNodeContents(text);
          const box = text.parentElement;
          if (box && beyond(range.getBoundingClientRect()) && !clipped(box) && !wide.includes(box)) {
            wide.push(box);
          }
        }
        // The innermost ones: what is too wide itself, not the boxes that hold it.
        const innermost = wide.filter((node) => !wide.some((other) => other !== node && node.contains(other)));
        problems.push(
          `the page is ${root.scrollWidth} px wide in a ${root.clientWidth} px window; too wide: ` +
            innermost.slice(0, 6).map(describe).join(", "),
        );
      }
      for (const node of document.body.querySelectorAll("*")) {
        const overflow = getComputedStyle(node).overflowX;
        if (!["auto", "scroll"].includes(overflow) || node.scrollWidth <= node.clientWidth) {
          continue;
        }
        if (node.getAttribute("tabindex") !== "0" || node.getAttribute("role") !== "region") {
          problems.push(`${describe(node)} scrolls sideways but is not a focusable region`);
        } else if (!accessibleName(node)) {
          problems.push(`${describe(node)} scrolls sideways but its region has no name`);
        }
      }
      return problems;
    },

    // What marks a control's extent or state has 3:1 against what is around it: the border
    // of a text field, a select and an unchecked box or radio; the fill of a checked one.
    controls() {
      const problems = [];
      const skipped = ["submit", "button", "reset", "image", "hidden", "file", "range", "color"];
      for (const control of document.querySelectorAll("input, select, textarea")) {
        if (control.disabled || skipped.includes(control.type) || !shown(control)) {
          continue;
        }
        const style = getComputedStyle(control);
        const around = backgroundOf(control.parentElement);
        const box = ["checkbox", "radio"].includes(control.type);
        if (box && control.checked) {
          const ratio = contrast(parse(style.backgroundColor), around);
          if (ratio < 3) {
            problems.push(`${describe(control)} checked: fill ${ratio.toFixed(2)}:1`);
          }
          continue;
        }
        for (const side of ["Top", "Right", "Bottom", "Left"]) {
          const width = parseFloat(style[`border${side}Width`]);
          const ratio = contrast(parse(style[`border${side}Color`]), around);
          if (style[`border${side}Style`] === "none" || width < 1 || ratio < 3) {
            problems.push(
              `${describe(control)}: ${side.toLowerCase()} border ${width}px, ${ratio.toFixed(2)}:1`,
            );
            break;
          }
        }
      }
      return problems;
    },

    // The focused element shows an outline of at least 2 px that has 3:1 against the colour
    // next to it. Reads document.activeElement; `null` when nothing in the page has focus,
    // `again` when it had the focus before.
    focus() {
      const element = document.activeElement;
      if (!element || element === document.body || element === document.documentElement) {
        return null;
      }
      // The elements met so far in this document, so a caller knows when the Tab key has
      // gone round.
      window.a11yFocusSeen ??= new WeakSet();
      const again = window.a11yFocusSeen.has(element);
      window.a11yFocusSeen.add(element);
      const style = getComputedStyle(element);
      const width = parseFloat(style.outlineWidth);
      const offset = parseFloat(style.outlineOffset);
      // An outline drawn outside the element lies on what is around it; inside, on itself.
      const next = offset < 0 ? backgroundOf(element) : backgroundOf(element.parentElement);
      const ratio = contrast(parse(style.outlineColor), next);
      const problems = [];
      if (!element.matches(":focus-visible")) {
        problems.push("not in the keyboard focus state");
      }
      if (style.outlineStyle === "none" || width < 2) {
        problems.push(`outline ${style.outlineStyle} ${width}px`);
      } else if (ratio < 3) {
        problems.push(`outline ${ratio.toFixed(2)}:1 against ${JSON.stringify(next)}`);
      }
      return { element: describe(element), problems, again };
    },

    // Each target is at least 24 x 24 px, or a 24 px circle on its centre touches no other
    // target and no other small target's circle; links in a sentence are exempt.
    targets() {
      const inText = (element) => {
        if (element.tagName !== "A" || getComputedStyle(element).display !== "inline") {
          return false;
        }
        let block = element.parentElement;
        while (block && getComputedStyle(block).display.startsWith("inline")) {
          block = block.parentElement;
        }
        const own = element.innerText.trim().length;
        return block.innerText.replace(/\s+/g, " ").trim().length > own;
      };
      const all = targets().map((element) => ({ element, rect: element.getBoundingClientRect() }));
      const small = all.filter(
        ({ element, rect }) => (rect.width < 24 || rect.height < 24) && !inText(element),
      );
      const centre = ({ rect }) => ({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 });
      const distanceToRect = ({ x, y }, rect) =>
        Math.hypot(
          Math.max(rect.left - x, 0, x - rect.right),
          Math.max(rect.top - y, 0, y - rect.bottom),
        );
      const problems = [];
      for (const target of small) {
        const c = centre(target);
        const crowded = all.find(
          (other) =>
            other !== target &&
            !other.element.contains(target.element) &&
            !target.element.contains(other.element) &&
            (distanceToRect(c, other.rect) < 12 ||
              (small.includes(other) && Math.hypot(c.x - centre(other).x, c.y - centre(other).y) < 24)),
        );
        if (crowded) {
          const { width, height } = target.rect;
          problems.push(
            `${describe(target.element)} is ${width.toFixed(0)} x ${height.toFixed(0)} px, ` +
              `too close to ${describe(crowded.element)}`,
          );
        }
      }
      return problems;
    },
  };

  return checks[name]();
};
