import 'reflect-metadata';
import { runWarden } from './run-warden.js';

await runWarden();
