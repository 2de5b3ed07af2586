/**
 * A background picture of the person's own: the file they picked is decoded
 * and scaled down here, in the page, to the camera's 960×540 (its middle,
 * without stretching). Nothing is uploaded or stored: the result lives in
 * memory until the page closes (docs/privacy.md).
 */
import { coverCrop, PICTURE_HEIGHT, PICTURE_WIDTH, pictureFileProblem, type PictureProblem } from "./video-effect.js";

export class PictureError extends Error {
  constructor(readonly problem: PictureProblem) {
    super(problem);
    this.name = "PictureError";
  }
}

/** The picture ready for the effects worker; throws PictureError for a file that cannot be one. */
export async function readOwnPicture(file: File): Promise<ImageBitmap> {
  const problem = pictureFileProblem(file);
  if (problem) throw new PictureError(problem);
  // Through an <img>: it decodes every format the browser shows (SVG too, which createImageBitmap
  // cannot take from a file), and a blob: address never leaves the page.
  const url = URL.createObjectURL(file);
  try {
    const image = new Image();
    image.src = url;
    await image.decode().catch(() => {
      throw new PictureError("not-a-picture");
    });
    if (!image.naturalWidth || !image.naturalHeight) throw new PictureError("not-a-picture");
    const crop = coverCrop(image.naturalWidth, image.naturalHeight);
    return await createImageBitmap(image, crop.x, crop.y, crop.width, crop.height, { resizeWidth: PICTURE_WIDTH, resizeHeight: PICTURE_HEIGHT, resizeQuality: "high" });
  } catch (error) {
    throw error instanceof PictureError ? error : new PictureError("not-a-picture");
  } finally {
    URL.revokeObjectURL(url);
  }
}
