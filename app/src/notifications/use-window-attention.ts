import { useEffect, useState } from 'react';

export interface WindowAttention {
  /** The page is shown (document.visibilityState === 'visible'). */
  visible: boolean;
  /** The window has the keyboard focus (document.hasFocus()). */
  focused: boolean;
}

function read(): WindowAttention {
  return { visible: document.visibilityState !== 'hidden', focused: document.hasFocus() };
}

/** Whether the person is looking at this page: read positions and notifications depend on it. */
export function useWindowAttention(): WindowAttention {
  const [attention, setAttention] = useState(read);
  useEffect(() => {
    const update = () =>
      setAttention((current) => {
        const next = read();
        return next.visible === current.visible && next.focused === current.focused
          ? current
          : next;
      });
    document.addEventListener('visibilitychange', update);
    window.addEventListener('focus', update);
    window.addEventListener('blur', update);
    update();
    return () => {
      document.removeEventListener('visibilitychange', update);
      window.removeEventListener('focus', update);
      window.removeEventListener('blur', update);
    };
  }, []);
  return attention;
}
