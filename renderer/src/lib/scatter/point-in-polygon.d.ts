// point-in-polygon ships no typings: the part of its API the scatter uses.
declare module 'point-in-polygon' {
  /** Whether `point` lies inside the polygon `vs` (its corners in order; the last joins the first), by ray crossings. */
  function pointInPolygon(point: readonly [number, number], vs: readonly (readonly [number, number])[]): boolean;
  export = pointInPolygon;
}
