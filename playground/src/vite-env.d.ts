// Vite's client types: `?worker` and `?raw` imports, import.meta.glob.
/// <reference types="vite/client" />
