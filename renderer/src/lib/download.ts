/** Saves a blob as a download (the browser mode's "save as"). */
export function downloadBlob(blob: Blob, filename: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

export function downloadCanvas(canvas: HTMLCanvasElement, filename: string): void {
  canvas.toBlob((blob) => blob && downloadBlob(blob, filename), 'image/png');
}

export function downloadText(text: string, filename: string, type = 'text/csv'): void {
  downloadBlob(new Blob([text], { type }), filename);
}
