/**
 * Draws whiteboard shapes on a 2D canvas in board coordinates: pen strokes
 * as perfect-freehand outlines (thicker where the pen moved slowly, like
 * ink), lines, arrows, rectangles, ellipses and text. The same function
 * draws the board on screen and into the exported PNG.
 */
import { getStroke } from "perfect-freehand";
import { BOARD_WIDTH, type Shape } from "./whiteboard-model.js";

export const BOARD_BACKGROUND = "#ffffff";

/**
 * Draws `shapes` over `width` × `height` pixels, BOARD_WIDTH board units across (the same scale
 * both ways: a slide's page is as high as its shape needs). `under`: what the shapes go on:
 * the board's white, nothing (a transparent layer over a page), or what is drawn there already.
 */
export function drawShapes(context: CanvasRenderingContext2D, shapes: Shape[], width: number, height: number, under: "white" | "clear" | "keep"): void {
  context.save();
  context.setTransform(1, 0, 0, 1, 0, 0);
  if (under !== "keep") context.clearRect(0, 0, width, height);
  if (under === "white") {
    context.fillStyle = BOARD_BACKGROUND;
    context.fillRect(0, 0, width, height);
  }
  context.scale(width / BOARD_WIDTH, width / BOARD_WIDTH);
  context.lineCap = "round";
  context.lineJoin = "round";
  for (const shape of shapes) drawShape(context, shape);
  context.restore();
}

function drawShape(context: CanvasRenderingContext2D, shape: Shape): void {
  context.strokeStyle = shape.color;
  context.fillStyle = shape.color;
  context.lineWidth = shape.size;
  const p = shape.points;
  if (shape.kind === "pen") {
    const input: number[][] = [];
    for (let i = 0; i + 1 < p.length; i += 2) input.push([p[i]!, p[i + 1]!]);
    const outline = getStroke(input, { size: shape.size * 1.6, thinning: 0.5, smoothing: 0.5, streamline: 0.4 });
    if (!outline.length) return;
    const path = new Path2D();
    path.moveTo(outline[0]![0]!, outline[0]![1]!);
    for (const [x, y] of outline.slice(1)) path.lineTo(x!, y!);
    path.closePath();
    context.fill(path);
    return;
  }
  const [x1, y1, x2, y2] = p as [number, number, number, number];
  context.beginPath();
  switch (shape.kind) {
    case "line":
      context.moveTo(x1, y1);
      context.lineTo(x2, y2);
      break;
    case "arrow": {
      context.moveTo(x1, y1);
      context.lineTo(x2, y2);
      const angle = Math.atan2(y2 - y1, x2 - x1);
      const head = Math.max(12, shape.size * 4);
      for (const side of [-1, 1]) {
        context.moveTo(x2, y2);
        context.lineTo(x2 - head * Math.cos(angle + (side * Math.PI) / 7), y2 - head * Math.sin(angle + (side * Math.PI) / 7));
      }
      break;
    }
    case "rect":
      context.rect(Math.min(x1, x2), Math.min(y1, y2), Math.abs(x2 - x1), Math.abs(y2 - y1));
      break;
    case "ellipse":
      context.ellipse((x1 + x2) / 2, (y1 + y2) / 2, Math.abs(x2 - x1) / 2, Math.abs(y2 - y1) / 2, 0, 0, Math.PI * 2);
      break;
    case "text":
      context.font = `${shape.size}px system-ui, sans-serif`;
      context.textBaseline = "alphabetic";
      context.fillText(shape.text, x1, y1);
      return;
  }
  context.stroke();
}
