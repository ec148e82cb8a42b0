import { useEffect, useRef } from 'react';
import * as echarts from 'echarts';

/** A small ECharts bar/line chart of 24 hourly values. */
export function HourlyChart({ title, values, kind }: { title: string; values: number[]; kind: 'bar' | 'line' }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current);
    chart.setOption({
      title: { text: title, textStyle: { fontSize: 14 } },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: values.map((_, h) => `${h}:00`) },
      yAxis: { type: 'value' },
      series: [{ type: kind, data: values, itemStyle: { color: '#0a7a4f' } }],
      animation: false,
    });
    return () => chart.dispose();
  }, [title, values, kind]);
  return <div ref={el} style={{ height: 260 }} data-testid={`chart-${kind}`} />;
}
