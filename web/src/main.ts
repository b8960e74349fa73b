import { Camera, Checked, DataAnalysis, EditPen, Expand, Fold, HomeFilled, Medal, OfficeBuilding, Setting, Stamp, Trophy, UploadFilled, User } from '@element-plus/icons-vue'
import ElementPlus, { ElMessage } from 'element-plus'
import 'element-plus/dist/index.css'
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import { ApiError, errorMessage } from '@/api/errors'
import App from './App.vue'
import { i18n } from './locales'
import { createAppRouter } from './router'
import { installSession } from './session'
import './styles/main.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)
app.use(ElementPlus)
// Icons used by name (menu sections in access/menu.ts, templates): register each one used.
const icons = { Camera, Checked, DataAnalysis, EditPen, Expand, Fold, HomeFilled, Medal, OfficeBuilding, Setting, Stamp, Trophy, UploadFilled, User }
for (const [name, component] of Object.entries(icons)) app.component(name, component)

const router = createAppRouter()
installSession(router)
app.use(router)

/** Errors nobody handled: a message in the user's language, never a blank page. A lost session is handled apart. */
function report(err: unknown): void {
  if (err instanceof ApiError && err.status === 401) return
  console.error(err)
  ElMessage.error(errorMessage(err) || i18n.global.t('errors.unexpected'))
}
app.config.errorHandler = (err) => report(err)
window.addEventListener('unhandledrejection', (event) => {
  report(event.reason)
  event.preventDefault()
})
router.onError((err, to) => {
  // A page chunk that is gone after a new deployment: load the page afresh.
  if (/Failed to fetch dynamically imported module|Importing a module script failed/.test(String(err))) {
    window.location.assign(to.fullPath)
    return
  }
  report(err)
})

document.documentElement.lang = i18n.global.locale.value
app.mount('#app')
