import { describe, expect, it } from 'vitest'
import { Perm } from '@/access/codes'
import { MENU_SECTIONS, menuFor, menuRoutes, ROLE_MENUS } from '@/access/menu'
import { ROLES } from '@/api/enums'
import { routes } from '@/router'

const COMMISSION = new Set<string>([
  Perm.ACCOUNT_VIEW,
  Perm.ACCOUNT_MANAGE,
  Perm.AUDIT_VIEW,
  Perm.ORG_VIEW,
  Perm.ORG_MANAGE,
  Perm.BODY_REVIEW,
  Perm.BODY_ASSIGN,
])
const HOSPITAL = new Set<string>([Perm.ACCOUNT_VIEW, Perm.ACCOUNT_MANAGE, Perm.AUDIT_VIEW, Perm.ORG_VIEW, Perm.BODY_APPLY])

function routeNames(): Set<string> {
  const names = new Set<string>()
  const walk = (list: typeof routes) => {
    for (const r of list) {
      if (typeof r.name === 'string') names.add(r.name)
      if (r.children) walk(r.children)
    }
  }
  walk(routes)
  return names
}

describe('role -> menu table', () => {
  it('has an entry for every role of the API and only known sections', () => {
    for (const role of ROLES) {
      expect(ROLE_MENUS[role], role).toBeDefined()
      for (const key of ROLE_MENUS[role]) expect(MENU_SECTIONS[key], `${role}: ${key}`).toBeDefined()
    }
  })

  it('names only routes that exist', () => {
    const names = routeNames()
    for (const section of Object.values(MENU_SECTIONS)) {
      for (const item of section.items) expect(names.has(item.route), item.route).toBe(true)
    }
  })

  it('gives a city commission its jurisdiction, the assessment bodies and the audit log', () => {
    // when
    const menu = menuFor('city_admin', COMMISSION)

    // then
    expect(menu.map((s) => s.key)).toEqual(['workbench', 'jurisdiction', 'assessmentBodies', 'system'])
    expect(menuRoutes('city_admin', COMMISSION)).toEqual([
      'home',
      'regions',
      'accounts',
      'body-applications',
      'body-assignments',
      'my-organization',
      'audit',
      'jobs',
    ])
  })

  it('gives a hospital administrator its own accounts and its application, not the regions', () => {
    const routes = menuRoutes('hospital_admin', HOSPITAL)
    expect(routes).toContain('accounts')
    expect(routes).toContain('body-applications')
    expect(routes).not.toContain('regions')
    expect(routes).not.toContain('body-assignments')
  })

  it('drops items whose codes the membership lacks, and sections left empty', () => {
    // given: a commission role whose codes lack the account and audit views
    const codes = new Set<string>([Perm.ORG_VIEW])

    // when
    const menu = menuFor('county_admin', codes)

    // then
    const items = menu.flatMap((s) => s.items.map((i) => i.route))
    expect(items).not.toContain('accounts')
    expect(items).not.toContain('audit')
    expect(items).not.toContain('body-applications')
    expect(items).toContain('body-assignments')
    expect(menu.every((s) => s.items.length > 0)).toBe(true)
  })

  it('shows a physician the workbench only, and an unknown role no more than that', () => {
    expect(menuFor('doctor', new Set([Perm.SELF_SERVICE])).map((s) => s.key)).toEqual(['workbench'])
    expect(menuFor(null, COMMISSION).map((s) => s.key)).toEqual(['workbench'])
  })
})
