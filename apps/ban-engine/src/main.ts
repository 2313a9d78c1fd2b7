import 'reflect-metadata';
import { runApp } from '#warden/runtime';
import { banEngineApp } from './ban-engine.app.js';

await runApp(banEngineApp);
