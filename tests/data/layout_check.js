// The layout check tests/test_layout.py runs in Chromium: a list of problems, none when the page lays out.
(selectors) => {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  const slack = 1;
  const describe = (el) => {
    const text = (el.innerText || el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return `${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).replace(/ /g, ".") : ""} "${text}"`;
  };
  if (document.documentElement.scrollWidth > window.innerWidth) {
    problems.push(`page is ${document.documentElement.scrollWidth} px wide at a ${window.innerWidth} px viewport`);
  }
  for (const selector of selectors) {
    const root = document.querySelector(selector);
    if (!root) { problems.push(`no ${selector}`); continue; }
    // every cell, list item, paragraph, heading, chip and svg lies within its card and the viewport
    for (const el of root.querySelectorAll("td, th, li, p, h2, h3, .chip, .small, svg, figure, video")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const card = el.parentElement.closest(".card, article, figure, section, aside, .plot") || root;
      const c = card.getBoundingClientRect();
      if (r.left < c.left - slack || r.right > c.right + slack) {
        problems.push(`${describe(el)} [${r.left.toFixed(0)}, ${r.right.toFixed(0)}] outside ${describe(card).slice(0, 30)} [${c.left.toFixed(0)}, ${c.right.toFixed(0)}]`);
      }
      if (r.left < -slack || r.right > vw + slack) {
        problems.push(`${describe(el)} [${r.left.toFixed(0)}, ${r.right.toFixed(0)}] outside the ${vw} px viewport`);
      }
    }
    // text boxes: one rectangle per line fragment of each text node
    const boxes = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let index = 0;
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (!node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const cell = node.parentElement.closest("td, th, .card, article, figure, aside, .plot") || root;
      const c = cell.getBoundingClientRect();
      for (const r of range.getClientRects()) {
        if (!(r.width > 0 && r.height > 0)) continue;
        boxes.push({ r, node, index });
        if (r.left < c.left - slack || r.right > c.right + slack) {
          problems.push(`text "${node.textContent.trim().slice(0, 30)}" [${r.left.toFixed(0)}, ${r.right.toFixed(0)}] spills out of ${describe(cell).slice(0, 30)} [${c.left.toFixed(0)}, ${c.right.toFixed(0)}]`);
        }
      }
      index += 1;
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        if (a.index === b.index) continue;
        const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
        const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
        if (w > 1 && h > 2) {
          problems.push(`text "${a.node.textContent.trim().slice(0, 30)}" overlaps "${b.node.textContent.trim().slice(0, 30)}" in ${selector}`);
        }
      }
    }
  }
  return problems;
}
