import 'reflect-metadata';
import { runApp } from '#warden/runtime';
import { gatewayApiApp } from './gateway-api.app.js';

await runApp(gatewayApiApp);
