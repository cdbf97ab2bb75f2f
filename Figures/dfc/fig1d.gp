# Rendered by: gnuplot fig1d.gp (run from this directory)
set terminal pngcairo size 1500,450 noenhanced font 'Sans,11'
set output 'fig1d.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 1,3 title 'DFC Fig. 1D: one controlled relaxation (15-10-10-1, feedback pre-trained 50 epochs; k_p 1, α 0.0015, T 2000)'
set xlabel 'timestep'
set xtics 500
set ylabel 'r_L (blue), r_L* (dashed)'
set y2label 'u (red)'
set ytics nomirror
set y2tics
set key center right font ',9'
set title 'sample 1'
plot 'fig1d.csv' using ($1==0 && $2>0 ? $2 : 1/0):4 with lines lw 2 lc rgb '#1f77b4' title 'r_L', \
     '' using ($1==0 && $2>0 ? $2 : 1/0):5 with lines lw 1.5 dt 2 lc rgb '#000000' title 'r_L*', \
     '' using ($1==0 && $2>0 ? $2 : 1/0):6 axes x1y2 with lines lw 1.5 lc rgb '#d62728' title 'u'
set title 'sample 2'
plot 'fig1d.csv' using ($1==1 && $2>0 ? $2 : 1/0):4 with lines lw 2 lc rgb '#1f77b4' title 'r_L', \
     '' using ($1==1 && $2>0 ? $2 : 1/0):5 with lines lw 1.5 dt 2 lc rgb '#000000' title 'r_L*', \
     '' using ($1==1 && $2>0 ? $2 : 1/0):6 axes x1y2 with lines lw 1.5 lc rgb '#d62728' title 'u'
set title 'sample 3'
plot 'fig1d.csv' using ($1==2 && $2>0 ? $2 : 1/0):4 with lines lw 2 lc rgb '#1f77b4' title 'r_L', \
     '' using ($1==2 && $2>0 ? $2 : 1/0):5 with lines lw 1.5 dt 2 lc rgb '#000000' title 'r_L*', \
     '' using ($1==2 && $2>0 ? $2 : 1/0):6 axes x1y2 with lines lw 1.5 lc rgb '#d62728' title 'u'
unset multiplot
