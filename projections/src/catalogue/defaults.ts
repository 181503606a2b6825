/** The catalogue's defaults: every brand of the domain, and a starting set of tags. */
import type { Brand } from '@dreamcatcher/contracts';

export interface BrandDefault {
  brand: Brand;
  name: string;
  color: string;
  sort_order: number;
}

export interface TagDefault {
  tag: string;
  name: string;
  color: string;
  category: string;
  sort_order: number;
}

const brands: Omit<BrandDefault, 'sort_order'>[] = [
  { brand: 'personal', name: 'Personal', color: '#6366F1' },
  { brand: 'bc-innovations', name: 'BC Innovations', color: '#0EA5E9' },
  { brand: 'bc-studio', name: 'BC Studio', color: '#F97316' },
  { brand: 'mpgworldwide', name: 'MPG Worldwide', color: '#10B981' },
  { brand: 'accordingto', name: 'According To', color: '#A855F7' },
];

const tags: Omit<TagDefault, 'sort_order'>[] = [
  { tag: 'ai', name: 'AI', color: '#8B5CF6', category: 'technology' },
  { tag: 'coding', name: 'Coding', color: '#3B82F6', category: 'technology' },
  { tag: 'web', name: 'Web', color: '#06B6D4', category: 'technology' },
  { tag: 'mobile', name: 'Mobile', color: '#14B8A6', category: 'technology' },
  { tag: 'automation', name: 'Automation', color: '#6366F1', category: 'technology' },
  { tag: 'business', name: 'Business', color: '#F59E0B', category: 'business' },
  { tag: 'marketing', name: 'Marketing', color: '#EC4899', category: 'business' },
  { tag: 'design', name: 'Design', color: '#F43F5E', category: 'creative' },
  { tag: 'content', name: 'Content', color: '#84CC16', category: 'creative' },
  { tag: 'research', name: 'Research', color: '#64748B', category: 'knowledge' },
];

export const DEFAULT_BRANDS: BrandDefault[] = brands.map((brand, index) => ({ ...brand, sort_order: index }));
export const DEFAULT_TAGS: TagDefault[] = tags.map((tag, index) => ({ ...tag, sort_order: index }));
