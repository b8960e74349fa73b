import 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title */
    title?: string
    /** reachable without signing in */
    public?: boolean
    /** signed in, but before the password change and the organisation choice (no layout) */
    bare?: boolean
    /** the membership needs one of these permission codes */
    codes?: readonly string[]
  }
}
