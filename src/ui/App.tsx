import { useEffect } from 'react';
import { Header } from './Header';
import { useAppStore } from './store';

export function App() {
  const init = useAppStore((s) => s.initBackend);
  useEffect(() => {
    void init();
  }, [init]);
  return (
    <div className="app">
      <Header />
      <main />
    </div>
  );
}
