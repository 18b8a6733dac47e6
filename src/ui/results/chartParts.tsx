/** Small recharts helpers shared by the Results views. */
import { type BarShapeProps, Rectangle } from 'recharts';

/** A Bar `shape` that colours each bar by its data index (recharts 3's replacement for Cell). */
export function colouredBar(colour: (index: number) => string) {
  return function ColouredBar(props: BarShapeProps) {
    const { x, y, width, height, index } = props;
    return <Rectangle x={x} y={y} width={width} height={height} fill={colour(index)} />;
  };
}
