/** The popup WeChat's privacy check needs: 同意 is an open-type="agreePrivacyAuthorization" button. */
import { onPrivacyPopup, privacyAnswer } from '../../utils/privacy'

Component({
  data: { show: false },
  lifetimes: {
    attached() {
      const self = this as unknown as { _off?: () => void; setData(d: object): void }
      self._off = onPrivacyPopup((show) => self.setData({ show }))
    },
    detached() {
      const self = this as unknown as { _off?: () => void }
      if (self._off) self._off()
    },
  },
  methods: {
    agree() {
      privacyAnswer(true, 'privacy-agree')
    },
    disagree() {
      privacyAnswer(false)
    },
    openContract() {
      wx.openPrivacyContract({})
    },
  },
})
