import 'reflect-metadata';
import { runApp } from '#warden/http-kit';
import { gatewayApiApp } from './gateway-api.app.js';

await runApp(gatewayApiApp);
