import { useEffect, useState } from 'preact/hooks';

/** The current time (epoch ms), updated every second: what a countdown renders from. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
