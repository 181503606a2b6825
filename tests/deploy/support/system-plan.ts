/**
 * The processes of the system as `npm start` plans them (scripts/system.mjs), and how the
 * deployment files name and start them: `projector-dream_summary` becomes the compose
 * service and Kubernetes Deployment `projector-dream-summary` (DNS names have no `_`), and
 * `projections/src/main.ts` runs as `node projections/dist/main.js`.
 */
import { DEVELOPMENT_ENV, PROJECTIONS, planSystem, type ServicePlan } from '../../../scripts/system.mjs';

export { DEVELOPMENT_ENV, PROJECTIONS };

export interface PlannedService {
  plan: ServicePlan;
  /** Name of the compose service and of the Kubernetes Deployment and Service. */
  name: string;
  command: string[];
}

export function deployedName(planName: string): string {
  return planName.replaceAll('_', '-');
}

export function plannedServices(): PlannedService[] {
  const plan = planSystem({ ports: { gateway: 9000, gatewayOps: 9003, command: 9001, relay: 9002, projectors: PROJECTIONS.map((_, i) => 9010 + i) } });
  return plan.map((service) => ({
    plan: service,
    name: deployedName(service.name),
    command: ['node', service.entry.replace('/src/', '/dist/').replace(/\.ts$/, '.js')],
  }));
}

/** The plan's names of the services whose /ready the gateway waits for (READY_DEPENDENCIES). */
export function gatewayReadyDependencies(): string[] {
  const services = plannedServices();
  const gateway = services.find((service) => service.plan.name === 'gateway');
  if (!gateway) throw new Error('the plan has no gateway');
  return (gateway.plan.env.READY_DEPENDENCIES ?? '').split(',').map((url) => {
    const target = services.find((service) => service.plan.url === url);
    if (!target) throw new Error(`READY_DEPENDENCIES names ${url}, which is no planned service`);
    return target.name;
  });
}
